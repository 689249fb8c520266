import { ACCOUNT_LINKS, SettingsNav } from "@/components/layout/settings-nav";

/** Both navigation groups; beside the page from md up, in the header's menu sheet below that. */
export function SettingsNavGroups({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <>
      <div>
        <p className="mb-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">Organization</p>
        <SettingsNav onNavigate={onNavigate} />
      </div>
      <div>
        <p className="mb-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">You</p>
        <SettingsNav links={ACCOUNT_LINKS} label="Account settings" onNavigate={onNavigate} />
      </div>
    </>
  );
}

/** The settings pages' frame: organization and account navigation beside the page (md and up). */
export function SettingsShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row md:py-8">
      <aside className="hidden gap-4 md:grid md:w-52 md:shrink-0 md:content-start">
        <SettingsNavGroups />
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 outline-none">
        {children}
      </main>
    </div>
  );
}
