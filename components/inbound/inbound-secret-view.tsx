"use client";
// The one-time view after create and after "Regenerate token": the Webhook URL, the integration
// token, any secret that was just generated, and a curl command that posts a sample JSON body
// with the token. Only a hash of the token is stored; once the dialog closes it is gone.
import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { INBOUND_SENDERS, type InboundSenderType, type InboundWebhookWithSecrets } from "@/lib/validations/inbound";

/** Where each sender's settings take the URL and the secret (presets only). */
const SENDER_SETUP: Partial<Record<InboundSenderType, string>> = {
  github:
    "In the repository or organization: Settings > Webhooks > Add webhook. Payload URL: the URL above; Content type: application/json; Secret: the webhook secret below.",
  stripe:
    "In the Stripe Dashboard: Developers > Webhooks > Add endpoint with the URL above. Then copy its signing secret (whsec_…) and paste it here with Edit: until then requests are refused.",
  shopify:
    "Register the URL above as the webhook subscription's address. Shopify signs with your app's client secret: paste it here with Edit if you did not already.",
  slack:
    "In your Slack app: Event Subscriptions > Request URL: the URL above (Gatehouse answers Slack's challenge). Paste the app's Signing Secret here with Edit if you did not already.",
};

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
  const sender = INBOUND_SENDERS[webhook.verification];
  // GitHub, Stripe, Shopify and Slack cannot set an Authorization header: they get the token in the URL.
  const setup = SENDER_SETUP[webhook.verification];
  const senderUrl = token && setup ? `${url}?token=${token}` : null;
  return (
    <>
      <DialogHeader>
        <DialogTitle>{token ? "Save your integration token" : "Save the new secret"}</DialogTitle>
        <DialogDescription>
          {mode === "regenerated" ? (
            <>
              A new token for <span className="font-medium text-foreground">{webhook.name}</span>.{" "}
              {webhook.previous_token
                ? `The old token (…${webhook.previous_token.last4}) keeps working until ${new Date(webhook.previous_token.valid_until).toLocaleString()}.`
                : "The old token is refused from now on."}
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
        {senderUrl ? (
          <div className="grid min-w-0 gap-2">
            <CopyField label={`URL for ${sender.label} (with the token)`} value={senderUrl} copyLabel={`Copy URL for ${sender.label}`} />
            <p className="text-sm text-muted-foreground">{setup}</p>
          </div>
        ) : null}
        {webhook.verification_secret ? (
          <CopyField label={sender.secretLabel ?? "Verification secret"} value={webhook.verification_secret} copyLabel="Copy verification secret" />
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
                : webhook.verification === "hmac_sha256"
                  ? `This webhook also checks ${webhook.signature_header}: sha256=<hex>, so this unsigned sample is answered 401 until the sender signs the body.`
                  : `This webhook also checks ${sender.label} signatures, so this unsigned sample is answered 401 (and listed under Rejected requests) until ${sender.label} signs it.`}{" "}
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
