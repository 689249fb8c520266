"use client";
// The deliveries feature's dialogs as pages show them: the trigger button, with the dialog (and
// with it Radix's Select) loaded when it is first opened (components/ui/lazy-on-open.tsx).
import type { ReplayFailedButtonProps } from "@/components/deliveries/replay-failed-button";
import { ReplayFailedTrigger } from "@/components/deliveries/triggers";
import { lazyOnOpen } from "@/components/ui/lazy-on-open";

// The stand-in says what the dialog's own trigger says (Radix's DialogTrigger): it opens a dialog, closed for now.
export const ReplayFailedButton = lazyOnOpen<ReplayFailedButtonProps>(
  () => import("@/components/deliveries/replay-failed-button").then((m) => m.ReplayFailedButton),
  (p) => <ReplayFailedTrigger variant={p.variant} aria-haspopup="dialog" aria-expanded={false} />,
);
