"use client";
// The credentials feature's dialogs as pages show them: the trigger button, with the dialog (its
// form, and with it react-hook-form and zod) loaded when it is first opened
// (components/ui/lazy-on-open.tsx).
import type { Scoping } from "@/components/credentials/queries";
import { CreateCredentialButton } from "@/components/credentials/triggers";
import { lazyOnOpen } from "@/components/ui/lazy-on-open";

export const CreateCredentialDialog = lazyOnOpen<{ scoping: Scoping }>(
  () => import("@/components/credentials/create-credential-dialog").then((m) => m.CreateCredentialDialog),
  // The stand-in says what the dialog's own trigger says (Radix's DialogTrigger): it opens a dialog, closed for now.
  () => <CreateCredentialButton aria-haspopup="dialog" aria-expanded={false} />,
);
