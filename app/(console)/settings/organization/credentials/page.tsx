import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { CreateCredentialDialog } from "@/components/credentials/create-credential-dialog";
import { CredentialsTable } from "@/components/credentials/credentials-table";
import { ExpiryReminders } from "@/components/credentials/expiry-reminders";
import { getCredentialPolicy } from "@/lib/credentials/credential-policy";
import { expiringCredentials } from "@/lib/credentials/expiring-credentials";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const canManage = hasRole(ctx.role, "admin");
  const [policy, expiring] = await Promise.all([
    getCredentialPolicy(ctx.org.id),
    expiringCredentials({ orgId: ctx.org.id, environment: ctx.environment }),
  ]);
  // The organization's policy may let developers create test credentials.
  const canCreate = canManage || (ctx.role === "developer" && ctx.environment === "test" && policy.developersCreateTestCredentials);
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  const scopeKey = `${ctx.org.id}:${ctx.environment}`;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Credentials"
        description={
          <>
            OAuth client credentials for your backend services, in {ctx.environment === "live" ? "live" : "test"} mode.
            {canManage ? null : " Only admins and owners create, regenerate and revoke credentials."}
          </>
        }
        actions={canCreate ? <CreateCredentialDialog key={scopeKey} scoping={scoping} /> : null}
      />
      <ExpiryReminders
        reminders={expiring.map((e) => ({ id: e.id, name: e.name, expires_at: e.expiresAt.toISOString(), within_days: e.withinDays }))}
      />
      <CredentialsTable key={scopeKey} scoping={scoping} canManage={canManage} />
    </div>
  );
}
