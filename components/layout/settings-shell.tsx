import { ACCOUNT_LINKS, SettingsNav } from "@/components/layout/settings-nav";

/** The settings pages' frame: organization and account navigation beside the page. */
export function SettingsShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6 md:flex-row">
      <aside className="grid gap-4 md:w-52 md:shrink-0 md:content-start">
        <div>
          <p className="mb-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">Organization</p>
          <SettingsNav />
        </div>
        <div>
          <p className="mb-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">You</p>
          <SettingsNav links={ACCOUNT_LINKS} label="Account settings" />
        </div>
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 outline-none">
        {children}
      </main>
    </div>
  );
}
