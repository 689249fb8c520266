"use client";
// The one-time view after create and after "Regenerate token": the Webhook URL, the integration
// token, any secret that was just generated, and a curl command that posts a sample JSON body
// with the token. Only a hash of the token is stored; once the dialog closes it is gone.
import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { InboundWebhookWithSecrets } from "@/lib/validations/inbound";

export const SAMPLE_BODY = '{"event":"test","message":"Hello from Gatehouse"}';

/** The receiving URL as this browser reaches the console (the id never changes). */
export function webhookUrl(origin: string, id: string): string {
  return `${origin}/in/${id}`;
}

/** One line, so it can be pasted into any shell (and run as-is by the end-to-end tests). */
export function inboundCurlCommand(url: string, token: string): string {
  return `curl -X POST ${url} -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d '${SAMPLE_BODY}'`;
}

export function InboundSecretView({ webhook, mode }: { webhook: InboundWebhookWithSecrets; mode: "created" | "regenerated" | "updated" }) {
  // Rendered only after a mutation in the browser, so window is there.
  const url = webhookUrl(window.location.origin, webhook.id);
  const token = webhook.token;
  return (
    <>
      <DialogHeader>
        <DialogTitle>{token ? "Save your integration token" : "Save the new secret"}</DialogTitle>
        <DialogDescription>
          {mode === "regenerated" ? (
            <>
              A new token for <span className="font-medium text-foreground">{webhook.name}</span>. The old token is refused from now on.
            </>
          ) : mode === "created" ? (
            <>
              <span className="font-medium text-foreground">{webhook.name}</span> is ready. Give the URL and the token to the service that sends the webhooks.
            </>
          ) : (
            <>
              <span className="font-medium text-foreground">{webhook.name}</span> was saved with a new secret.
            </>
          )}
        </DialogDescription>
      </DialogHeader>
      <div role="note" className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
        <p>
          <strong className="font-semibold">{token ? "The token is" : "Secrets are"} shown only this once.</strong> Copy{" "}
          {token ? "it" : "them"} now and keep {token ? "it" : "them"} somewhere safe. {token ? "If it is lost, regenerate it." : null}
        </p>
      </div>
      <div className="grid min-w-0 gap-4">
        <CopyField label="Webhook URL" value={url} copyLabel="Copy webhook URL" />
        {token ? <CopyField label="Integration token" value={token} copyLabel="Copy integration token" /> : null}
        {webhook.verification_secret ? (
          <CopyField
            label={webhook.verification === "standard_webhooks" ? "Verification secret (Standard Webhooks)" : "Verification secret (HMAC-SHA256)"}
            value={webhook.verification_secret}
            copyLabel="Copy verification secret"
          />
        ) : null}
        {webhook.forward_signing_secret ? (
          <CopyField label="Forward signing secret" value={webhook.forward_signing_secret} copyLabel="Copy forward signing secret" />
        ) : null}
        {token ? (
          <div className="grid min-w-0 gap-2">
            <p className="text-sm font-medium">Send a test message</p>
            <CodeBlock code={inboundCurlCommand(url, token)} label="Copy curl command" />
            <p className="text-sm text-muted-foreground">
              {webhook.verification === "none"
                ? "The answer is 202 with the message id; the message appears under Messages."
                : webhook.verification === "standard_webhooks"
                  ? "This webhook also checks a Standard Webhooks signature, so this unsigned sample is answered 401 until the sender signs with the verification secret."
                  : `This webhook also checks ${webhook.signature_header}: sha256=<hex>, so this unsigned sample is answered 401 until the sender signs the body.`}{" "}
              Senders that cannot set headers may put the token in the URL as <code className="font-mono text-xs">?token=</code>.
            </p>
          </div>
        ) : null}
        {webhook.forward_signing_secret ? (
          <p className="text-sm text-muted-foreground">
            Forwards carry <code className="font-mono text-xs">webhook-id</code>, <code className="font-mono text-xs">webhook-timestamp</code> and{" "}
            <code className="font-mono text-xs">webhook-signature</code> (Standard Webhooks) over the exact bytes received; verify them with the forward signing secret.
          </p>
        ) : null}
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button>Done</Button>
        </DialogClose>
      </DialogFooter>
    </>
  );
}
