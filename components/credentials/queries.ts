"use client";
// TanStack Query for the Credentials pages: one options factory and hook per resource
// (the paged list, one credential's detail, the scope catalog); mutations invalidate by the
// factories' keys. One-time secrets never enter the query cache: create and regenerate
// answers go to the caller only, and those mutations are garbage-collected at once.
import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { CREDENTIALS_PAGE_SIZE, credentialKeys } from "@/components/credentials/query-keys";
import { fetchApi } from "@/lib/api/fetch-api";
import type { CreateCredentialInput, CredentialActivityView, CredentialView, SecretUsageView, UpdateCredentialInput } from "@/lib/validations/credentials";

type List<T> = { data: T[]; next_cursor: string | null };

export type Scope = { name: string; description: string; built_in: boolean };
export type CredentialAuditEntry = { id: string; action: string; actor: string; ip: string | null; created_at: string };
export type CredentialDetail = CredentialView & {
  usage: { tokens_issued: number; active_tokens: number };
  secret_usage: SecretUsageView[];
  issued: { this_hour: number; today: number };
  cache_hint: { address: string; exchanges_last_hour: number; token_lifetime_seconds: number } | null;
  audit: CredentialAuditEntry[];
};
export type CredentialWithSecret = CredentialView & { client_secret: string };
export type GracePeriod = 0 | 3600 | 86400;

/** Org and environment come from cookies on the API side, so both are part of every key. */
export type Scoping = { orgId: string; environment: "test" | "live" };

export { credentialKeys };

export function credentialsListQueryOptions(s: Scoping) {
  return infiniteQueryOptions({
    queryKey: credentialKeys.list(s),
    queryFn: ({ signal, pageParam }) =>
      fetchApi<List<CredentialView>>(
        `/api/v1/credentials?limit=${CREDENTIALS_PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`,
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

export function credentialQueryOptions(s: Scoping, id: string) {
  return queryOptions({
    queryKey: credentialKeys.detail(s, id),
    queryFn: ({ signal }) => fetchApi<CredentialDetail>(`/api/v1/credentials/${encodeURIComponent(id)}`, { signal }),
  });
}

export function scopesQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ["scopes", orgId],
    queryFn: ({ signal }) => fetchApi<List<Scope>>("/api/v1/scopes", { signal }),
    select: (page) => page.data,
    staleTime: 60_000,
  });
}

export function useCredentials(s: Scoping) {
  return useInfiniteQuery(credentialsListQueryOptions(s));
}

/** `initialData` comes from the server component, which already loaded it (and 404s unknown ids). */
export function useCredential(s: Scoping, id: string, initialData?: CredentialDetail) {
  return useQuery({ ...credentialQueryOptions(s, id), initialData });
}

export function useScopes(orgId: string, enabled = true) {
  return useQuery({ ...scopesQueryOptions(orgId), enabled });
}

export function useCreateCredential(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    // No Idempotency-Key: a stored replay would keep the one-time secret in the idempotency
    // table; the dialog blocks a second submit while one is pending instead.
    mutationFn: (input: CreateCredentialInput) =>
      fetchApi<CredentialWithSecret>("/api/v1/credentials", { method: "POST", body: input }),
    gcTime: 0,
    onSuccess: () => qc.invalidateQueries({ queryKey: credentialKeys.list(s) }),
  });
}

export function useRegenerateSecret(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: GracePeriod | { grace: GracePeriod; endWhenUnusedHours: number | null }) => {
      const { grace, endWhenUnusedHours } = typeof input === "number" ? { grace: input, endWhenUnusedHours: null } : input;
      return fetchApi<CredentialWithSecret>(`/api/v1/credentials/${encodeURIComponent(id)}/regenerate-secret`, {
        method: "POST",
        body: { grace_period_seconds: grace, ...(grace && endWhenUnusedHours ? { end_grace_when_unused_hours: endWhenUnusedHours } : {}) },
      });
    },
    gcTime: 0,
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

export function useEndGracePeriod(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}/end-grace-period`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

export function useClearLockout(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}/clear-lockout`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

/** PATCH a credential: name, scopes, expiry, issuance quota (fields left out keep their value). */
export function useUpdateCredential(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateCredentialInput) =>
      fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}`, { method: "PATCH", body: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

export function useRevokeCredential(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}/revoke`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

export function useCreateScope(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; description: string }) =>
      fetchApi<Scope>("/api/v1/scopes", { method: "POST", body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: scopesQueryOptions(orgId).queryKey }),
  });
}

/** Register public keys for private_key_jwt: a pasted JWK/JWKS, or a JWKS URL. */
export function useSetClientKeys(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { jwks: Record<string, unknown> } | { jwks_url: string }) =>
      fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}/client-keys`, { method: "POST", body: input }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

export function useRemoveClientKeys(s: Scoping, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchApi<CredentialView>(`/api/v1/credentials/${encodeURIComponent(id)}/client-keys`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: credentialKeys.all(s) }),
  });
}

/** What the credential caused: its events, their deliveries, its changes. */
export function useCredentialActivity(s: Scoping, id: string) {
  return useQuery({
    queryKey: [...credentialKeys.detail(s, id), "activity"] as const,
    queryFn: ({ signal }) => fetchApi<CredentialActivityView>(`/api/v1/credentials/${encodeURIComponent(id)}/activity`, { signal }),
  });
}
