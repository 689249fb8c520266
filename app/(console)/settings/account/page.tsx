import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { SessionsTable } from "@/components/account/sessions-table";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  return (
    <div className="grid gap-8">
      <PageHeader title="Account" description={`Signed in as ${ctx.user.email}.`} />
      <section aria-labelledby="sessions-heading" className="grid gap-3">
        <div className="grid gap-1">
          <h2 id="sessions-heading" className="text-lg font-semibold">
            Sessions
          </h2>
          <p className="text-sm text-muted-foreground">
            Browsers signed in to your account. A session you end is signed out on its next request; signing out ends the
            session you are in.
          </p>
        </div>
        <SessionsTable />
      </section>
    </div>
  );
}
