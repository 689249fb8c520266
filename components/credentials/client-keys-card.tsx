"use client";
// Private key JWT (RFC 7523): the public keys this credential's client signs its assertions with,
// registered as a pasted JWK/JWKS or a JWKS URL. Admins and owners register and remove them, and
// may turn the secret off once a key is registered (keys only).
import { KeyRound, ShieldCheck } from "lucide-react";
import { useId, useState } from "react";
import { useRemoveClientKeys, useSetClientKeys, useUpdateCredential, type CredentialDetail, type Scoping } from "@/components/credentials/queries";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { LocalTime } from "@/components/ui/local-time";
import { Textarea } from "@/components/ui/textarea";

export function ClientKeysCard({ scoping, credential: c, canManage }: { scoping: Scoping; credential: CredentialDetail; canManage: boolean }) {
  const manage = canManage && c.status === "active";
  const k = c.client_keys;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Private key JWT</CardTitle>
        <CardDescription>
          With a public key registered, the client can authenticate at /oauth/token with an assertion signed by its private key
          (client_assertion_type jwt-bearer, RFC 7523) instead of sending its secret. Each assertion is accepted once.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 pt-2">
        {k ? (
          <div className="grid gap-2 text-sm" aria-label="Registered public keys">
            {k.jwks_url ? (
              <p>
                Keys fetched from <code className="font-mono break-all">{k.jwks_url}</code>
                {k.fetched_at ? (
                  <>
                    {" "}
                    (last fetched <LocalTime iso={k.fetched_at} format="relative" />)
                  </>
                ) : null}
              </p>
            ) : null}
            <ul className="grid gap-1">
              {k.keys.map((key, i) => (
                <li key={(key.kid ?? "") + i} className="flex items-center gap-2">
                  <KeyRound aria-hidden className="size-4 text-muted-foreground" />
                  <code className="font-mono">{key.kid ?? "(no kid)"}</code>
                  <span className="text-muted-foreground">
                    {key.kty}
                    {key.crv ? ` ${key.crv}` : ""}
                    {key.alg ? `, ${key.alg}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">No public key registered: the client authenticates with its secret.</p>
        )}
        {k ? (
          <p role="status" aria-label="Secret authentication" className="flex items-start gap-2 text-sm">
            {c.keys_only ? (
              <>
                <ShieldCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400" />
                <span>
                  <strong>Keys only:</strong> the client secret is turned off. Exchanges with client_secret_basic or client_secret_post get
                  401 invalid_client; only signed assertions authenticate.
                </span>
              </>
            ) : (
              <span className="text-muted-foreground">The client secret also still works. Once the client signs assertions, turn secrets off.</span>
            )}
          </p>
        ) : null}
        {manage ? (
          <div className="flex flex-wrap gap-2">
            <RegisterKeysAction scoping={scoping} credential={c} />
            {k ? <KeysOnlyAction scoping={scoping} credential={c} /> : null}
            {k && !c.keys_only ? <RemoveKeysAction scoping={scoping} credential={c} /> : null}
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function RegisterKeysAction({ scoping, credential }: { scoping: Scoping; credential: CredentialDetail }) {
  const set = useSetClientKeys(scoping, credential.id);
  const [jwk, setJwk] = useState("");
  const [url, setUrl] = useState("");
  const jwkId = useId();
  const urlId = useId();
  const input = () => {
    if (jwk.trim() && url.trim()) throw new Error("Paste a key or give a JWKS URL, not both.");
    if (url.trim()) return { jwks_url: url.trim() };
    if (!jwk.trim()) throw new Error("Paste the client's public key (a JWK or a JWKS), or give a JWKS URL.");
    let parsed: unknown;
    try {
      parsed = JSON.parse(jwk);
    } catch {
      throw new Error("The public key is not valid JSON: paste a JWK or a JWKS.");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("The public key must be a JSON object (a JWK or a JWKS).");
    return { jwks: parsed as Record<string, unknown> };
  };
  return (
    <ConfirmDialog
      trigger={<Button variant="outline">{credential.client_keys ? "Replace public key" : "Register public key"}</Button>}
      title="Register a public key"
      description="Paste the public half of the client's signing key (RSA of 2048 bits or more, EC or Ed25519), or the URL of a JWKS the client publishes. Never paste a private key."
      confirmLabel="Register key"
      onOpenChange={(open) => {
        if (open) {
          setJwk("");
          setUrl("");
        }
      }}
      action={() => set.mutateAsync(input())}
      successMessage="Public key registered"
    >
      <div className="grid gap-3">
        <div className="grid gap-2">
          <Label htmlFor={jwkId}>Public key (JWK or JWKS)</Label>
          <Textarea
            id={jwkId}
            className="min-h-32 font-mono text-xs"
            placeholder='{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"key-1"}'
            value={jwk}
            onChange={(e) => setJwk(e.target.value)}
          />
        </div>
        <div className="grid gap-2">
          <Label htmlFor={urlId}>Or JWKS URL</Label>
          <Input id={urlId} type="url" placeholder="https://client.example.com/.well-known/jwks.json" value={url} onChange={(e) => setUrl(e.target.value)} />
        </div>
      </div>
    </ConfirmDialog>
  );
}

function RemoveKeysAction({ scoping, credential }: { scoping: Scoping; credential: CredentialDetail }) {
  const remove = useRemoveClientKeys(scoping, credential.id);
  return (
    <ConfirmDialog
      trigger={<Button variant="outline">Remove public key</Button>}
      title="Remove the public keys?"
      description="Assertions signed with these keys stop working at once; the client secret keeps working."
      confirmLabel="Remove keys"
      destructive
      action={() => remove.mutateAsync()}
      successMessage="Public keys removed"
    />
  );
}

function KeysOnlyAction({ scoping, credential }: { scoping: Scoping; credential: CredentialDetail }) {
  const update = useUpdateCredential(scoping, credential.id);
  const on = credential.keys_only;
  return (
    <ConfirmDialog
      trigger={<Button variant="outline">{on ? "Turn secrets back on" : "Turn off secrets (keys only)"}</Button>}
      title={on ? `Let ${credential.name}'s secret authenticate again?` : `Turn off ${credential.name}'s secret?`}
      description={
        on
          ? "The client secret works again beside the registered keys (client_secret_basic and client_secret_post)."
          : "From the next exchange only assertions signed with a registered key authenticate; a client still sending the secret gets 401 invalid_client. Check the secret's last use first."
      }
      confirmLabel={on ? "Turn secrets on" : "Turn secrets off"}
      destructive={!on}
      action={() => update.mutateAsync({ keys_only: !on })}
      successMessage={on ? "The secret works again" : "Keys only: the secret is turned off"}
    />
  );
}
