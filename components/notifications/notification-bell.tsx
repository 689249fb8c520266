"use client";
// The bell in the console header: the member's unread count, and a popover listing the latest
// notifications with "Mark read" per item and "Mark all read". Radix Popover gives focus
// management (focus moves in on open, Escape closes and returns it to the bell); every action
// is a real button or link, so the list is usable with the keyboard and announced by name.
import { Bell, CheckCheck } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatRelative } from "@/components/ui/time-format";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/utils";
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications, type Scoping } from "@/components/notifications/queries";

export function NotificationBell({ scope }: { scope: Scoping }) {
  const [open, setOpen] = useState(false);
  const [wanted, setWanted] = useState(false);
  // The unread count is not what a page is opened for: its request (and the render of its answer)
  // waits until the page has loaded and the main thread is idle, so it does not compete with the
  // page's own data on a slow phone (issue 14, Lighthouse). Opening the bell asks at once.
  useEffect(() => {
    if (wanted) return;
    let idle: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      if (typeof window.requestIdleCallback === "function") idle = window.requestIdleCallback(() => setWanted(true), { timeout: 2_000 });
      else timer = setTimeout(() => setWanted(true), 200);
    };
    if (document.readyState === "complete") ask();
    else window.addEventListener("load", ask, { once: true });
    return () => {
      window.removeEventListener("load", ask);
      if (idle !== undefined) window.cancelIdleCallback(idle);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [wanted]);
  const q = useNotifications(scope, { enabled: wanted || open });
  const markRead = useMarkNotificationRead(scope);
  const markAll = useMarkAllNotificationsRead(scope);
  const unread = q.data?.unread_count ?? 0;
  const items = q.data?.data ?? [];
  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";

  return (
    <Popover open={open} onOpenChange={setOpen}>
      <PopoverTrigger asChild>
        <Button variant="ghost" size="icon" className="relative size-8 sm:size-9" aria-label={label}>
          <Bell className="size-5" aria-hidden />
          {unread > 0 ? (
            <span
              aria-hidden
              className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white"
            >
              {unread > 99 ? "99+" : unread}
            </span>
          ) : null}
        </Button>
      </PopoverTrigger>
      <PopoverContent align="end" className="w-[min(24rem,calc(100vw-1rem))] p-0" aria-label="Notifications">
        <div className="flex items-center justify-between gap-2 border-b px-3 py-2">
          <h2 className="text-sm font-semibold">Notifications</h2>
          <Button variant="ghost" size="sm" disabled={unread === 0 || markAll.isPending} onClick={() => markAll.mutate()}>
            <CheckCheck className="size-4" aria-hidden />
            Mark all read
          </Button>
        </div>
        {q.isError ? (
          <p className="p-4 text-sm text-destructive" role="alert">
            Could not load notifications. {q.error.message}
          </p>
        ) : q.isPending ? (
          <p className="p-4 text-sm text-muted-foreground">Loading…</p>
        ) : items.length === 0 ? (
          <p className="p-4 text-sm text-muted-foreground">
            Nothing yet. Gatehouse tells you here when an endpoint keeps failing, is disabled or recovers, when deliveries fail for good, and when a
            credential is about to expire.
          </p>
        ) : (
          <ul className="max-h-[min(28rem,70vh)] divide-y overflow-y-auto" aria-label="Latest notifications">
            {items.map((n) => {
              const isUnread = n.read_at === null;
              return (
                <li key={n.id} className={cn("grid gap-1 px-3 py-2.5 text-sm", isUnread && "bg-muted/50")} data-unread={isUnread}>
                  <div className="flex items-start gap-2">
                    <span aria-hidden className={cn("mt-1.5 size-2 shrink-0 rounded-full", isUnread ? "bg-primary" : "bg-transparent")} />
                    <div className="grid min-w-0 flex-1 gap-0.5">
                      {n.link ? (
                        <Link
                          href={n.link}
                          className="font-medium break-words underline-offset-2 hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
                          onClick={() => {
                            if (isUnread) markRead.mutate(n.id);
                            setOpen(false);
                          }}
                        >
                          {n.title}
                        </Link>
                      ) : (
                        <span className="font-medium break-words">{n.title}</span>
                      )}
                      <p className="break-words text-muted-foreground">{n.body}</p>
                      <p className="text-xs text-muted-foreground">
                        <time dateTime={n.created_at} title={n.created_at}>
                          {formatRelative(n.updated_at)}
                        </time>
                        {isUnread ? <span className="sr-only">, unread</span> : null}
                      </p>
                    </div>
                    {isUnread ? (
                      <Button
                        variant="ghost"
                        size="sm"
                        className="shrink-0"
                        aria-label={`Mark read: ${n.title}`}
                        disabled={markRead.isPending && markRead.variables === n.id}
                        onClick={() => markRead.mutate(n.id)}
                      >
                        Mark read
                      </Button>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        <p className="border-t px-3 py-2 text-xs text-muted-foreground">
          Read state is yours alone. To receive these as signed webhooks, mark an endpoint as an operator endpoint on its page.
        </p>
      </PopoverContent>
    </Popover>
  );
}
