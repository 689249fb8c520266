import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { HydrationBoundary } from "@tanstack/react-query";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { Suspense } from "react";
import { AuditLog } from "@/components/audit/audit-log";
import { ChainStatus } from "@/components/audit/chain-status";
import { filtersFromSearchParams, filtersToSearchParams, hasFilters } from "@/components/audit/filters";
import { AUDIT_PAGE_SIZE, auditKeys } from "@/components/audit/query-keys";
import { firstPage, queryState } from "@/components/query-state";
import { PageHeader } from "@/components/layout/page-header";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { toAuditChainVerificationView, verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { getConsoleContext } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const orgId = ctx.org.id;
  const sp = await searchParams;
  const filters = filtersFromSearchParams({ get: (name) => (typeof sp[name] === "string" ? (sp[name] as string) : null) });
  // The chain check and the unfiltered list's first page are loaded here, as the API answers a
  // console session (GET /api/v1/audit-events/verify and /api/v1/audit-events), and handed to
  // their queries: the page arrives with both, in one piece (streamed separately, the chain's
  // text, the largest on the page, painted late and moved the list). A filtered view (parsed
  // and checked by the API) is left to the list's own query.
  const [verification, events] = await Promise.all([
    verifyAuditChain(db, orgId).then(toAuditChainVerificationView),
    hasFilters(filters) ? null : listAuditEvents(db, { orgId, limit: AUDIT_PAGE_SIZE }),
  ]);
  const state = queryState([
    [auditKeys.verification(orgId), verification],
    ...(events ? [[auditKeys.events(orgId, filtersToSearchParams(filters).toString()), firstPage(events)] as [readonly unknown[], unknown]] : []),
  ]);
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Audit log"
        description="Every change in this organization: who made it, from where, and what it changed. Entries cannot be edited, and each one is chained to the one before it."
      />
      <HydrationBoundary state={state}>
        <ChainStatus key={`chain-${orgId}`} orgId={orgId} canExportCheckpoint={hasRole(ctx.role, "admin")} />
        {/* useSearchParams (filters in the URL) needs a Suspense boundary. */}
        <Suspense>
          <AuditLog key={orgId} orgId={orgId} />
        </Suspense>
      </HydrationBoundary>
    </div>
  );
}
