"use client";
// TanStack Query for the Audit log page: the filtered, cursor-paged list and the chain check.
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { filtersToSearchParams, type AuditFilters } from "@/components/audit/filters";
import { AUDIT_PAGE_SIZE, auditKeys } from "@/components/audit/query-keys";
import { fetchApi } from "@/lib/api/fetch-api";
import type { AuditChainVerificationView, AuditEventListResponse } from "@/lib/validations/audit";

export function auditEventsQueryOptions(orgId: string, filters: AuditFilters) {
  const params = filtersToSearchParams(filters);
  return infiniteQueryOptions({
    queryKey: auditKeys.events(orgId, params.toString()),
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams(params);
      p.set("limit", String(AUDIT_PAGE_SIZE));
      if (pageParam) p.set("cursor", pageParam);
      return fetchApi<AuditEventListResponse>(`/api/v1/audit-events?${p}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

export function auditVerificationQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: auditKeys.verification(orgId),
    queryFn: ({ signal }) => fetchApi<AuditChainVerificationView>("/api/v1/audit-events/verify", { signal }),
  });
}

export function useAuditEvents(orgId: string, filters: AuditFilters) {
  return useInfiniteQuery(auditEventsQueryOptions(orgId, filters));
}

export function useAuditVerification(orgId: string) {
  return useQuery(auditVerificationQueryOptions(orgId));
}

/** The export route with the current filters; a plain link with `download` fetches it. */
export function auditExportHref(filters: AuditFilters, format: "csv" | "json"): string {
  const p = filtersToSearchParams(filters);
  p.set("format", format);
  return `/api/v1/audit-events/export?${p}`;
}
