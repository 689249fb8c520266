"use client";
// TanStack Query for the Account page: the signed-in user's console sessions.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchApi } from "@/lib/api/fetch-api";
import type { ConsoleSessionView } from "@/lib/validations/auth";

type List<T> = { data: T[]; next_cursor: string | null };

// Sessions belong to the user, not to an organization: no org in the key.
export function sessionsQueryOptions() {
  return queryOptions({
    queryKey: ["sessions"],
    queryFn: ({ signal }) => fetchApi<List<ConsoleSessionView>>("/api/v1/sessions", { signal }),
    select: (page) => page.data,
  });
}

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}

export function useEndSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchApi<void>(`/api/v1/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: sessionsQueryOptions().queryKey }),
  });
}
