"use client";
// The webhooks feature's dialogs as pages show them: the trigger button, with the dialog (its
// form, and with it react-hook-form and zod; the test event's catalog query) loaded when it is
// first opened (components/ui/lazy-on-open.tsx).
import { lazyOnOpen } from "@/components/ui/lazy-on-open";
import type { Scoping } from "@/components/webhooks/queries";
import { CreateEndpointButton, SendTestEventButton } from "@/components/webhooks/triggers";
import type { EndpointView } from "@/lib/validations/webhooks";

export const CreateEndpointDialog = lazyOnOpen<{ scoping: Scoping }>(
  () => import("@/components/webhooks/create-endpoint-dialog").then((m) => m.CreateEndpointDialog),
  // The stand-ins say what the dialogs' own triggers say (Radix's DialogTrigger): they open a dialog, closed for now.
  () => <CreateEndpointButton aria-haspopup="dialog" aria-expanded={false} />,
);

export const SendTestEventDialog = lazyOnOpen<{ scoping: Scoping; endpoint: EndpointView }>(
  () => import("@/components/webhooks/send-test-event-dialog").then((m) => m.SendTestEventDialog),
  () => <SendTestEventButton aria-haspopup="dialog" aria-expanded={false} />,
);
