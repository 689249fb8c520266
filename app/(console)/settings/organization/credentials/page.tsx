import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { CreateCredentialDialog } from "@/components/credentials/lazy";
import { CredentialsTable } from "@/components/credentials/credentials-table";
import { ExpiryReminders } from "@/components/credentials/expiry-reminders";
import { getCredentialPolicy } from "@/lib/credentials/credential-policy";
import { expiringCredentials } from "@/lib/credentials/expiring-credentials";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";
import { HydrationBoundary } from "@tanstack/react-query";
import { CREDENTIALS_PAGE_SIZE, credentialKeys } from "@/components/credentials/query-keys";
import { firstPage, queryState } from "@/components/query-state";
import { paginate } from "@/lib/api/pagination";
import { listCredentials } from "@/lib/credentials/manage-credentials";
import { credentialView } from "@/lib/credentials/views";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const canManage = hasRole(ctx.role, "admin");
  const scoping = { orgId: ctx.org.id, environment: ctx.environment };
  // The list's first page, as GET /api/v1/credentials answers it, comes with the page (no
  // loading state, no fetch after hydration); later pages are the list's own.
  const [policy, expiring, rows] = await Promise.all([
    getCredentialPolicy(ctx.org.id),
    expiringCredentials({ orgId: ctx.org.id, environment: ctx.environment }),
    listCredentials({ ...scoping, limit: CREDENTIALS_PAGE_SIZE }),
  ]);
  const list = paginate(rows, CREDENTIALS_PAGE_SIZE, (c) => ({ createdAt: c.createdAt.toISOString(), id: c.id }), credentialView);
  // The organization's policy may let developers create test credentials.
  const canCreate = canManage || (ctx.role === "developer" && ctx.environment === "test" && policy.developersCreateTestCredentials);
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
      <HydrationBoundary state={queryState([[credentialKeys.list(scoping), firstPage(list)]])}>
        <CredentialsTable key={scopeKey} scoping={scoping} canManage={canManage} />
      </HydrationBoundary>
    </div>
  );
}
