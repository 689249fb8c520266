"use client";
// False on the server and while the page hydrates, true after: what depends on the viewer's clock,
// time zone or language (dates, the chart's hours), or what the first paint need not carry (the
// Audit log's action suggestions), is rendered as the server did first, so hydration matches, then
// once more in the browser.
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
