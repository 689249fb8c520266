import { SettingsNav } from "@/components/layout/settings-nav";

export default function OrganizationSettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6 md:flex-row">
      <aside className="md:w-52 md:shrink-0">
        <p className="mb-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">Organization</p>
        <SettingsNav />
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 outline-none">
        {children}
      </main>
    </div>
  );
}
