"use client";
// TanStack Query for incoming webhooks: one options factory and hook per resource (the list,
// one webhook's messages, the event-type names for the handler picker); mutations invalidate by
// the factories' keys. One-time secrets never enter the query cache: create, edit and
// regenerate answers go to the caller only, and those mutations are garbage-collected at once.
import { queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient, infiniteQueryOptions } from "@tanstack/react-query";
import { LIVE } from "@/components/live";
import { fetchApi } from "@/lib/api/fetch-api";
import type {
  CreateInboundWebhookInput,
  InboundMessageView,
  InboundRejectionView,
  InboundWebhookView,
  InboundWebhookWithSecrets,
  UpdateInboundWebhookInput,
} from "@/lib/validations/inbound";

type List<T> = { data: T[]; next_cursor: string | null };

/** Org and environment come from cookies on the API side, so both are part of every key. */
export type Scoping = { orgId: string; environment: "test" | "live" };
export type Outcome = InboundMessageView["outcome"];

const base = "/api/v1/inbound-webhooks";
const enc = encodeURIComponent;

export const inboundKeys = {
  all: (s: Scoping) => ["inbound-webhooks", s.orgId, s.environment] as const,
  list: (s: Scoping) => [...inboundKeys.all(s), "list"] as const,
  messages: (s: Scoping, id: string, outcome?: Outcome) => [...inboundKeys.all(s), "messages", id, outcome ?? "all"] as const,
  rejections: (s: Scoping, id: string) => [...inboundKeys.all(s), "rejections", id] as const,
};

export function inboundListQueryOptions(s: Scoping) {
  return queryOptions({
    queryKey: inboundKeys.list(s),
    queryFn: ({ signal }) => fetchApi<List<InboundWebhookView>>(`${base}?limit=100`, { signal }),
    select: (page) => page.data,
    // "Last received" moves while the tab is open.
    ...LIVE,
  });
}

/** Live (components/live.ts); stops once the webhook is gone. */
export function messagesQueryOptions(s: Scoping, id: string, outcome?: Outcome) {
  return infiniteQueryOptions({
    queryKey: inboundKeys.messages(s, id, outcome),
    queryFn: ({ signal, pageParam }) =>
      fetchApi<List<InboundMessageView>>(
        `${base}/${enc(id)}/messages?limit=25${outcome ? `&outcome=${outcome}` : ""}${pageParam ? `&cursor=${enc(pageParam)}` : ""}`,
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    ...LIVE,
  });
}

/** Requests the receiving URL refused (live, like the messages). */
export function rejectionsQueryOptions(s: Scoping, id: string) {
  return infiniteQueryOptions({
    queryKey: inboundKeys.rejections(s, id),
    queryFn: ({ signal, pageParam }) =>
      fetchApi<List<InboundRejectionView>>(`${base}/${enc(id)}/rejections?limit=25${pageParam ? `&cursor=${enc(pageParam)}` : ""}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    ...LIVE,
  });
}

export function eventTypeNamesQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ["inbound-event-type-names", orgId],
    queryFn: ({ signal }) => fetchApi<List<{ name: string; archived_at?: string | null }>>("/api/v1/event-types?limit=100", { signal }),
    select: (page) => page.data.filter((t) => !t.archived_at).map((t) => t.name),
    staleTime: 30_000,
  });
}

export const useInboundWebhooks = (s: Scoping) => useQuery(inboundListQueryOptions(s));
export const useMessages = (s: Scoping, id: string, outcome?: Outcome) => useInfiniteQuery(messagesQueryOptions(s, id, outcome));
export const useRejections = (s: Scoping, id: string) => useInfiniteQuery(rejectionsQueryOptions(s, id));
export const useEventTypeNames = (orgId: string, enabled = true) => useQuery({ ...eventTypeNamesQueryOptions(orgId), enabled });

export function useCreateInboundWebhook(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    // No Idempotency-Key: a stored replay would keep the one-time token in the idempotency table.
    mutationFn: (input: CreateInboundWebhookInput) => fetchApi<InboundWebhookWithSecrets>(base, { method: "POST", body: input }),
    gcTime: 0,
    onSuccess: () => qc.invalidateQueries({ queryKey: inboundKeys.list(s) }),
  });
}

export function useUpdateInboundWebhook(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: UpdateInboundWebhookInput) => fetchApi<InboundWebhookWithSecrets>(`${base}/${enc(id)}`, { method: "PATCH", body: patch }),
    gcTime: 0,
    onSettled: () => qc.invalidateQueries({ queryKey: inboundKeys.all(s) }),
  });
}

export function useRegenerateToken(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (graceSeconds: number = 0) =>
      fetchApi<InboundWebhookWithSecrets>(`${base}/${enc(id)}/regenerate-token`, { method: "POST", body: { grace_period_seconds: graceSeconds } }),
    gcTime: 0,
    onSettled: () => qc.invalidateQueries({ queryKey: inboundKeys.all(s) }),
  });
}

export function useEndTokenGrace(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchApi<InboundWebhookView>(`${base}/${enc(id)}/end-grace-period`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: inboundKeys.all(s) }),
  });
}

export function useDeleteInboundWebhook(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchApi<void>(`${base}/${enc(id)}`, { method: "DELETE" }),
    onSuccess: async () => {
      // Its messages are deleted with it: stop and drop their queries instead of refetching a 404.
      for (const kind of ["messages", "rejections"]) {
        const key = [...inboundKeys.all(s), kind, id];
        await qc.cancelQueries({ queryKey: key });
        qc.removeQueries({ queryKey: key });
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: inboundKeys.list(s) }),
  });
}

export function useReplayForward(s: Scoping, webhookId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (messageId: string) =>
      fetchApi<{ delivery_id: string }>(`${base}/${enc(webhookId)}/messages/${enc(messageId)}/replay`, { method: "POST" }),
    // A forward is a new delivery to an outgoing endpoint.
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: [...inboundKeys.all(s), "messages", webhookId] }),
        qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === "deliveries" }),
      ]),
  });
}
