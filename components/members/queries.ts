"use client";
// TanStack Query for the Members page: one queryOptions factory and hook per resource
// (members, invitations); mutations invalidate by the factory's key.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchApi } from "@/lib/api/fetch-api";
import type { CreateInvitationInput, InvitationView, MemberView, PasswordResetView } from "@/lib/validations/orgs";

type Role = MemberView["role"];

type List<T> = { data: T[]; next_cursor: string | null };

// The org is part of the key: the API resolves it from the org cookie, so a switch must not
// show another organization's cached rows.
export function membersQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ["members", orgId],
    queryFn: ({ signal }) => fetchApi<List<MemberView>>("/api/v1/members", { signal }),
    select: (page) => page.data,
  });
}

export function invitationsQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ["invitations", orgId],
    queryFn: ({ signal }) => fetchApi<List<InvitationView>>("/api/v1/invitations", { signal }),
    select: (page) => page.data,
  });
}

export function useMembers(orgId: string) {
  return useQuery(membersQueryOptions(orgId));
}

/** Pending invitations; only admins and owners may list them, so others pass `enabled: false`. */
export function useInvitations(orgId: string, enabled = true) {
  return useQuery({ ...invitationsQueryOptions(orgId), enabled });
}

export function useChangeMemberRole(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; role: Role }) =>
      fetchApi<MemberView>(`/api/v1/members/${encodeURIComponent(v.id)}`, { method: "PATCH", body: { role: v.role } }),
    onSettled: () => qc.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}

export function useRemoveMember(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchApi<void>(`/api/v1/members/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}

export function useCreateInvitation(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    // No Idempotency-Key: the dialog blocks a second submit while one is pending, and a stored
    // replay would keep the one-time invite link in the idempotency table.
    mutationFn: (input: CreateInvitationInput) =>
      fetchApi<InvitationView>("/api/v1/invitations", { method: "POST", body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: invitationsQueryOptions(orgId).queryKey }),
  });
}

export function useRevokeInvitation(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchApi<void>(`/api/v1/invitations/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: invitationsQueryOptions(orgId).queryKey }),
  });
}

/** An owner makes a one-time password reset link for a member (audited; nothing cached). */
export function useCreatePasswordReset() {
  return useMutation({
    mutationFn: (memberId: string) =>
      fetchApi<PasswordResetView>(`/api/v1/members/${encodeURIComponent(memberId)}/password-reset`, { method: "POST", body: {} }),
  });
}
