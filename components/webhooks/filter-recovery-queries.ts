"use client";
// TanStack Query for payload-filter previews and bulk recovery of an endpoint's failed messages.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchApi } from "@/lib/api/fetch-api";
import type { RecoveryJobView } from "@/lib/validations/webhooks";

export type FilterPreview = {
  data: { id: string; type: string; channels: string[]; created_at: string; matches: boolean; reason: "matches" | "event_type" | "channels" | "filter" }[];
  matched: number;
};
export type PreviewInput = { filter: string | null; channels: string[]; event_types: string[] };
export type RecoverAnswer = { count: number; dry_run: boolean; job: RecoveryJobView | null };

const recoveryKeys = {
  all: ["recovery"] as const,
  count: (endpointId: string, since: string, until: string) => [...recoveryKeys.all, endpointId, "count", since, until] as const,
  job: (endpointId: string, jobId: string) => [...recoveryKeys.all, endpointId, "job", jobId] as const,
};

const endpointPath = (id: string) => `/api/v1/endpoints/${encodeURIComponent(id)}`;

/** "Test against the last 20 events": changes nothing, so no Idempotency-Key. */
export function useFilterPreview() {
  return useMutation({
    mutationFn: (input: PreviewInput) => fetchApi<FilterPreview>("/api/v1/endpoints/filter-preview", { method: "POST", body: input }),
  });
}

/** The dry run: how many failed messages the window holds (read again whenever the window changes). */
export function useRecoveryCount(endpointId: string, since: string, until: string, enabled: boolean) {
  return useQuery({
    queryKey: recoveryKeys.count(endpointId, since, until),
    queryFn: () => fetchApi<RecoverAnswer>(`${endpointPath(endpointId)}/recover`, { method: "POST", body: { since, until, dry_run: true } }),
    enabled,
    staleTime: 0,
  });
}

export function useStartRecovery(endpointId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (w: { since: string; until: string }) => fetchApi<RecoverAnswer>(`${endpointPath(endpointId)}/recover`, { method: "POST", body: w }),
    onSuccess: (r) => {
      if (r.job) qc.setQueryData(recoveryKeys.job(endpointId, r.job.id), r.job);
    },
  });
}

/** A job's progress, polled every second until it has finished. */
export function useRecoveryJob(endpointId: string, jobId: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: recoveryKeys.job(endpointId, jobId ?? ""),
    queryFn: async () => {
      const j = await fetchApi<RecoveryJobView>(`${endpointPath(endpointId)}/recovery-jobs/${encodeURIComponent(jobId!)}`);
      // The re-sent messages show in the deliveries lists on the page.
      if (j.status === "completed") await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === "deliveries" });
      return j;
    },
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "completed" || q.state.data.status === "failed") ? false : 1000),
  });
}
