"use client";
// The one-time view of a client secret (after create and after regenerate): Client ID, Client
// secret, a warning, and the curl command that exchanges them for a token at this server's own
// /oauth/token. Only a hash of the secret is stored; once the dialog closes it is gone.
import { TriangleAlert } from "lucide-react";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** One line, so it can be pasted into any shell (and run as-is by the end-to-end tests). */
export function tokenCurlCommand(origin: string, clientId: string, clientSecret: string): string {
  const form = `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(clientSecret)}`;
  return `curl -X POST ${origin}/oauth/token -H "Content-Type: application/x-www-form-urlencoded" -d "${form}"`;
}

export function ClientSecretView({
  name,
  clientId,
  clientSecret,
  regenerated = false,
}: {
  name: string;
  clientId: string;
  clientSecret: string;
  regenerated?: boolean;
}) {
  const warningId = useId();
  // Rendered only after a mutation in the browser, so window is there.
  const curl = tokenCurlCommand(window.location.origin, clientId, clientSecret);
  return (
    <>
      <DialogHeader>
        <DialogTitle>Save your client secret</DialogTitle>
        <DialogDescription>
          {regenerated ? (
            <>
              A new secret for <span className="font-medium text-foreground">{name}</span>.
            </>
          ) : (
            <>
              <span className="font-medium text-foreground">{name}</span> is ready.
            </>
          )}{" "}
          Your service exchanges the client ID and secret for short-lived access tokens.
        </DialogDescription>
      </DialogHeader>
      <div
        id={warningId}
        role="note"
        className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
        <p>
          <strong className="font-semibold">The client secret is shown only this once.</strong> Copy it now and keep it
          somewhere safe, such as your secret manager. It cannot be retrieved later; if it is lost, regenerate it.
        </p>
      </div>
      <div className="grid min-w-0 gap-4">
        <CopyField label="Client ID" value={clientId} copyLabel="Copy client ID" />
        <CopyField label="Client secret" value={clientSecret} copyLabel="Copy client secret" />
        <div className="grid min-w-0 gap-2">
          <p className="text-sm font-medium">Get an access token</p>
          <CodeBlock code={curl} label="Copy curl command" />
          <p className="text-sm text-muted-foreground">
            Send the <code className="font-mono text-xs">access_token</code> from the answer as{" "}
            <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code> to <code className="font-mono text-xs">/api/v1</code>.
          </p>
        </div>
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button>Done</Button>
        </DialogClose>
      </DialogFooter>
    </>
  );
}
