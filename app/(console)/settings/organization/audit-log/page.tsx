import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { Suspense } from "react";
import { AuditLog } from "@/components/audit/audit-log";
import { ChainStatus } from "@/components/audit/chain-status";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Audit log"
        description="Every change in this organization: who made it, from where, and what it changed. Entries cannot be edited, and each one is chained to the one before it."
      />
      <ChainStatus key={`chain-${ctx.org.id}`} orgId={ctx.org.id} canExportCheckpoint={hasRole(ctx.role, "admin")} />
      {/* useSearchParams (filters in the URL) needs a Suspense boundary. */}
      <Suspense>
        <AuditLog key={ctx.org.id} orgId={ctx.org.id} />
      </Suspense>
    </div>
  );
}
