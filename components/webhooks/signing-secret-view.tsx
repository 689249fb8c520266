"use client";
// The one-time view of an endpoint's signing secret (after create and after rotate): the secret
// with a copy button, a warning, and a short Node snippet that verifies a delivery with the
// standardwebhooks package. The secret is stored encrypted and never returned again.
import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyField } from "@/components/ui/copy-field";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** Express, because it is the shortest way to show the one thing that matters: verify the raw body. */
export const VERIFY_SNIPPET = `// npm install standardwebhooks express
import express from "express";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.WEBHOOK_SECRET); // the whsec_… secret
const app = express();

// Verify the raw bytes: parsing and re-serialising the JSON would break the signature.
app.post("/webhooks", express.raw({ type: "application/json" }), (req, res) => {
  let event;
  try {
    event = wh.verify(req.body, req.headers); // checks webhook-id, -timestamp, -signature
  } catch {
    return res.status(400).send("invalid signature");
  }
  console.log("verified", event);
  res.sendStatus(204);
});

app.listen(3000);`;

export function SigningSecretView({
  name,
  secret,
  rotated = false,
  previousValidUntil,
}: {
  name: string;
  secret: string;
  rotated?: boolean;
  /** After a rotation with a grace period: until when the old secret still signs. */
  previousValidUntil?: string | null;
}) {
  return (
    <>
      <DialogHeader>
        <DialogTitle>Save your signing secret</DialogTitle>
        <DialogDescription>
          {rotated ? (
            <>
              A new signing secret for <span className="font-medium text-foreground">{name}</span>.
            </>
          ) : (
            <>
              <span className="font-medium text-foreground">{name}</span> is ready.
            </>
          )}{" "}
          Every delivery is signed with it (Standard Webhooks); your receiver checks the signature before trusting a
          request.
        </DialogDescription>
      </DialogHeader>
      <div role="note" className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
        <p>
          <strong className="font-semibold">The signing secret is shown only this once.</strong> Copy it now into your
          receiver&apos;s configuration or secret manager. It cannot be retrieved later; if it is lost, rotate it.
          {rotated && previousValidUntil ? " The previous secret keeps signing alongside it until the grace period ends." : null}
          {rotated && !previousValidUntil ? " The previous secret no longer signs deliveries." : null}
        </p>
      </div>
      <div className="grid min-w-0 gap-4">
        <CopyField label="Signing secret" value={secret} copyLabel="Copy signing secret" />
        <div className="grid min-w-0 gap-2">
          <p className="text-sm font-medium">Verify deliveries in Node</p>
          <CodeBlock code={VERIFY_SNIPPET} label="Copy verification snippet" className="max-h-64" />
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
