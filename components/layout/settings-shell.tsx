import { Suspense } from "react";
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

/**
 * The settings pages' frame: organization and account navigation beside the page (md and up).
 * The navigation sits in a Suspense boundary (issue 14, Lighthouse): React hydrates a
 * server-rendered boundary after the rest, at low priority and in slices that give the main
 * thread back every few milliseconds, instead of with the whole console in one long task. Input
 * on a part not hydrated yet is not lost: React hydrates that part at once and replays the event.
 * Not the page itself: it is an async server component, and a boundary around it would let the
 * shell stream out before the page, so a page's notFound() would answer 200, not 404; the
 * pages' client parts hold their own boundaries (endpoint-detail.tsx, webhooks-tabs.tsx).
 */
export function SettingsShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row md:py-8">
      <aside className="hidden gap-4 md:grid md:w-52 md:shrink-0 md:content-start">
        <Suspense>
          <SettingsNavGroups />
        </Suspense>
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 outline-none">
        {children}
      </main>
    </div>
  );
}
