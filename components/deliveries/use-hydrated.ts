"use client";
// False on the server and while the page hydrates, true after: text that depends on the viewer's
// clock or language (the chart's hours) is rendered with a fixed zone first, as the server did,
// so hydration matches, then once more in the viewer's.
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
