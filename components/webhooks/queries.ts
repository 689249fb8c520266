"use client";
// TanStack Query for Settings > Organization > Webhooks: one options factory and hook per
// resource (endpoints list, one endpoint, the event-type catalog); mutations invalidate by the
// factories' keys. Signing secrets never enter the query cache: create and rotate answers go to
// the caller only, and those mutations are garbage-collected at once.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LIVE } from "@/components/live";
import { fetchApi } from "@/lib/api/fetch-api";
import type { CreateEventInput } from "@/lib/validations/events";
import { ENDPOINTS_PAGE_SIZE, webhookKeys, type ArchivedFilter, type Scoping } from "@/components/webhooks/query-keys";
import type {
  CreateEndpointInput,
  CreateEventTypeInput,
  EndpointView,
  EventTypeUpdateResult,
  EventTypeView,
  UpdateEventTypeInput,
  UpdateEndpointInput,
} from "@/lib/validations/webhooks";

type List<T> = { data: T[]; next_cursor: string | null };

export { webhookKeys, type ArchivedFilter, type Scoping };


export type EndpointWithSecret = EndpointView & { secret: string };
export type AcceptedEvent = { id: string; type: string; external_id: string | null; deliveries: number; created_at: string };

/** Grace periods offered when rotating a signing secret; 24 hours is the API's default. */
export const GRACE_PERIODS = [
  { seconds: 0, label: "None" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86400, label: "24 hours" },
  { seconds: 7 * 86400, label: "7 days" },
] as const;
export const DEFAULT_GRACE_SECONDS = 86400;


// crypto.randomUUID exists only in secure contexts; a console on plain http (a LAN install)
// still has getRandomValues.
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const endpointPath = (id: string) => `/api/v1/endpoints/${encodeURIComponent(id)}`;
const eventTypePath = (name: string) => `/api/v1/event-types/${encodeURIComponent(name)}`;

export function endpointsQueryOptions(s: Scoping) {
  return queryOptions({
    queryKey: webhookKeys.endpointList(s),
    queryFn: ({ signal }) => fetchApi<List<EndpointView>>(`/api/v1/endpoints?limit=${ENDPOINTS_PAGE_SIZE}`, { signal }),
    // Status (paused, disabled by Gatehouse) and failure counts change on their own.
    ...LIVE,
  });
}

export function endpointQueryOptions(s: Scoping, id: string) {
  return queryOptions({
    queryKey: webhookKeys.endpoint(s, id),
    queryFn: ({ signal }) => fetchApi<EndpointView>(endpointPath(id), { signal }),
    ...LIVE,
  });
}

export function eventTypesQueryOptions(s: Scoping, archived: ArchivedFilter = "false") {
  return queryOptions({
    queryKey: webhookKeys.eventTypeList(s, archived),
    queryFn: ({ signal }) =>
      fetchApi<List<EventTypeView>>(`/api/v1/event-types?limit=100&archived=${archived}`, { signal }),
    select: (page) => page.data,
    staleTime: 30_000,
  });
}

export function useEndpoints(s: Scoping) {
  return useQuery(endpointsQueryOptions(s));
}

/** `initialData` comes from the server component, which already loaded it (and 404s unknown ids). */
export function useEndpoint(s: Scoping, id: string, initialData?: EndpointView) {
  return useQuery({ ...endpointQueryOptions(s, id), initialData });
}

export function useEventTypes(s: Scoping, archived: ArchivedFilter = "false") {
  return useQuery(eventTypesQueryOptions(s, archived));
}

export function useCreateEndpoint(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    // No Idempotency-Key: a stored replay would keep the one-time secret in the idempotency
    // table; the dialog blocks a second submit while one is pending instead.
    mutationFn: (input: CreateEndpointInput) =>
      fetchApi<EndpointWithSecret>("/api/v1/endpoints", { method: "POST", body: input }),
    gcTime: 0,
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.endpointList(s) }),
  });
}

/** Every deliveries query (lists, details, stats, outcomes), with or without a scoping. */
const isDeliveriesQuery = (q: { queryKey: readonly unknown[] }) => q.queryKey[0] === "deliveries";

export function useUpdateEndpoint(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: UpdateEndpointInput) =>
      fetchApi<EndpointView>(endpointPath(id), { method: "PATCH", body: patch }),
    onSuccess: (e) => qc.setQueryData(webhookKeys.endpoint(s, id), e),
    // Pause holds deliveries, resume releases them: the deliveries shown change too.
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: webhookKeys.endpoints(s) }),
        qc.invalidateQueries({ predicate: isDeliveriesQuery }),
      ]),
  });
}

export function useRotateSecret(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (graceSeconds: number) =>
      fetchApi<EndpointWithSecret>(`${endpointPath(id)}/rotate-secret`, {
        method: "POST",
        body: { grace_period_seconds: graceSeconds },
      }),
    gcTime: 0,
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.endpoints(s) }),
  });
}

export function useDeleteEndpoint(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchApi<void>(endpointPath(id), { method: "DELETE" }),
    onSuccess: async () => {
      // Gone: its queries stop (no 404s from a live query on the way out).
      await qc.cancelQueries({ queryKey: webhookKeys.endpoint(s, id) });
      qc.removeQueries({ queryKey: webhookKeys.endpoint(s, id) });
      // Its own deliveries queries are left to be garbage-collected once the page unmounts
      // (refetching them now would ask for a deleted endpoint); the others lose its rows.
      return Promise.all([
        qc.invalidateQueries({ queryKey: webhookKeys.endpointList(s) }),
        qc.invalidateQueries({ predicate: (q) => isDeliveriesQuery(q) && !q.queryKey.includes(id) }),
      ]);
    },
  });
}

/** A test event for one endpoint: only that endpoint gets a delivery. */
export function useSendEvent(endpointId: string) {
  const qc = useQueryClient();
  return useMutation({
    // The new delivery shows up in the lists on the page (another feature's queries).
    onSuccess: () => qc.invalidateQueries({ predicate: isDeliveriesQuery }),
    // A fresh key per click: a network retry of the same click cannot queue the event twice.
    mutationFn: (input: CreateEventInput) =>
      fetchApi<AcceptedEvent>(`${endpointPath(endpointId)}/test`, {
        method: "POST",
        body: { type: input.type, data: input.data },
        idempotencyKey: newIdempotencyKey(),
      }),
  });
}

export function useCreateEventType(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateEventTypeInput) =>
      fetchApi<EventTypeView>("/api/v1/event-types", { method: "POST", body: input, idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.eventTypes(s) }),
  });
}

/** PATCH an event type (description, schema); with check_only it only reports the recent events a schema refuses. */
export function useUpdateEventType(s: Scoping, name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateEventTypeInput) => fetchApi<EventTypeUpdateResult>(eventTypePath(name), { method: "PATCH", body: input }),
    onSuccess: (_r, input) => {
      if (!input.check_only) void qc.invalidateQueries({ queryKey: webhookKeys.eventTypes(s) });
    },
  });
}

export function useSetEventTypeArchived(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; archived: boolean }) =>
      fetchApi<EventTypeView>(`${eventTypePath(v.name)}/${v.archived ? "archive" : "unarchive"}`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.eventTypes(s) }),
  });
}
