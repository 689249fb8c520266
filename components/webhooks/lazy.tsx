"use client";
// The webhooks feature's dialogs as pages show them: the trigger button, with the dialog (its
// form, and with it react-hook-form and zod; the test event's catalog query; Radix's Select and
// AlertDialog) loaded when it is first opened (components/ui/lazy-on-open.tsx).
import { lazyOnOpen } from "@/components/ui/lazy-on-open";
import type { EndpointWithSecret, Scoping } from "@/components/webhooks/queries";
import {
  CreateEndpointButton,
  DeleteEndpointButton,
  PauseEndpointButton,
  RecoverFailedButton,
  RotateSecretButton,
  SendTestEventButton,
} from "@/components/webhooks/triggers";
import type { EndpointView } from "@/lib/validations/webhooks";

type EndpointProps = { scoping: Scoping; endpoint: EndpointView };

// The stand-ins say what the dialogs' own triggers say (Radix's DialogTrigger): they open a dialog, closed for now.
const closed = { "aria-haspopup": "dialog", "aria-expanded": false } as const;

export const CreateEndpointDialog = lazyOnOpen<{ scoping: Scoping }>(
  () => import("@/components/webhooks/create-endpoint-dialog").then((m) => m.CreateEndpointDialog),
  () => <CreateEndpointButton {...closed} />,
);

export const SendTestEventDialog = lazyOnOpen<EndpointProps>(
  () => import("@/components/webhooks/send-test-event-dialog").then((m) => m.SendTestEventDialog),
  () => <SendTestEventButton {...closed} />,
);

export const RecoverFailedDialog = lazyOnOpen<{ endpoint: EndpointView }>(
  () => import("@/components/webhooks/recover-failed-dialog").then((m) => m.RecoverFailedDialog),
  () => <RecoverFailedButton {...closed} />,
);

export const PauseEndpointDialog = lazyOnOpen<EndpointProps>(
  () => import("@/components/webhooks/endpoint-actions").then((m) => m.PauseEndpointDialog),
  () => <PauseEndpointButton {...closed} />,
);

export const RotateSecretDialog = lazyOnOpen<EndpointProps & { onSecret: (e: EndpointWithSecret) => void }>(
  () => import("@/components/webhooks/endpoint-actions").then((m) => m.RotateSecretDialog),
  () => <RotateSecretButton {...closed} />,
);

export const DeleteEndpointDialog = lazyOnOpen<EndpointProps>(
  () => import("@/components/webhooks/endpoint-actions").then((m) => m.DeleteEndpointDialog),
  () => <DeleteEndpointButton {...closed} />,
);
