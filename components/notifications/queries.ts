"use client";
// TanStack Query for the notification centre: the list (with the member's unread count) and the
// two mutations, which invalidate it by the factory's key. Polled every 30 s while the tab is
// visible: the bell sits on every console page.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchApi } from "@/lib/api/fetch-api";
import type { NotificationView } from "@/lib/validations/notifications";

export type Scoping = { orgId: string; environment: "test" | "live" };
export type NotificationList = { data: NotificationView[]; next_cursor: string | null; unread_count: number };

export const NOTIFICATIONS_POLL_MS = 30_000;

export const notificationKeys = {
  all: (s: Scoping) => ["notifications", s.orgId, s.environment] as const,
  list: (s: Scoping) => [...notificationKeys.all(s), "list"] as const,
};

export function notificationsQueryOptions(s: Scoping) {
  return queryOptions({
    queryKey: notificationKeys.list(s),
    queryFn: ({ signal }) => fetchApi<NotificationList>("/api/v1/notifications?limit=20", { signal }),
    refetchInterval: NOTIFICATIONS_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** `enabled: false` holds the first fetch back (the bell waits until the page has loaded). */
export const useNotifications = (s: Scoping, { enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...notificationsQueryOptions(s), enabled });

export function useMarkNotificationRead(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchApi<NotificationView>(`/api/v1/notifications/${encodeURIComponent(id)}/read`, { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all(s) }),
  });
}

export function useMarkAllNotificationsRead(s: Scoping) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchApi<{ marked: number }>("/api/v1/notifications/read-all", { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all(s) }),
  });
}
