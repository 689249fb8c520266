"use client";
// The webhooks feature's dialogs as pages show them: the trigger button, with the dialog (its
// form, and with it react-hook-form and zod) loaded when it is first opened
// (components/ui/lazy-on-open.tsx).
import { lazyOnOpen } from "@/components/ui/lazy-on-open";
import type { Scoping } from "@/components/webhooks/queries";
import { CreateEndpointButton } from "@/components/webhooks/triggers";

export const CreateEndpointDialog = lazyOnOpen<{ scoping: Scoping }>(
  () => import("@/components/webhooks/create-endpoint-dialog").then((m) => m.CreateEndpointDialog),
  () => <CreateEndpointButton />,
);
