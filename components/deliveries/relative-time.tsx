"use client";
// A relative time ("2 minutes ago", "in 30 seconds") with the exact time in its title, kept
// current by one shared clock that ticks every few seconds.
import { useSyncExternalStore } from "react";
import { formatExact, formatRelative } from "@/components/ui/time-format";

const TICK_MS = 5_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  now = Date.now();
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, re-rendering every few seconds; null on the server (no time zone there). */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => null,
  );
}

export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const current = useNow();
  if (current === null) {
    return (
      <time dateTime={iso} className={className}>
        {iso.slice(0, 16).replace("T", " ")} UTC
      </time>
    );
  }
  return (
    <time dateTime={iso} title={formatExact(iso)} className={className}>
      {formatRelative(iso, { now: current, seconds: true })}
    </time>
  );
}
