"use client";
// The credential's issuance quota (tokens per hour and day, how much of it is used), its
// wrong-secret lockout (admins clear it), and a "cache your token" hint when one address mints
// far more tokens than their lifetime needs.
import { Lightbulb, LockKeyhole } from "lucide-react";
import { useId, useState } from "react";
import { lifetimeLabel } from "@/components/credentials/credential-badges";
import { useClearLockout, useUpdateCredential, type CredentialDetail, type Scoping } from "@/components/credentials/queries";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { LocalTime } from "@/components/ui/local-time";

export function AbuseControlCard({ scoping, credential: c, canManage }: { scoping: Scoping; credential: CredentialDetail; canManage: boolean }) {
  const manage = canManage && c.status === "active";
  return (
    <Card>
      <CardHeader>
        <CardTitle>Quota and lockout</CardTitle>
        <CardDescription>How many tokens this credential may get, and what happens after repeated wrong secrets.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 pt-2">
        {c.locked_until ? (
          <div role="alert" className="grid gap-2 rounded-md border border-destructive/50 p-3 text-sm">
            <p className="flex items-start gap-2">
              <LockKeyhole aria-hidden className="mt-0.5 size-4 shrink-0 text-destructive" />
              <span>
                <strong>Locked out</strong> until <LocalTime iso={c.locked_until} format="datetime" /> after repeated wrong secrets
                ({c.failed_exchanges} failed exchanges). Until then no secret works from addresses this credential was never used
                from; the clients at its known addresses keep getting tokens.
              </span>
            </p>
            {manage ? (
              <div>
                <ClearLockoutAction scoping={scoping} credential={c} />
              </div>
            ) : null}
          </div>
        ) : null}
        {c.cache_hint ? (
          <div role="status" className="flex items-start gap-2 rounded-md border p-3 text-sm">
            <Lightbulb aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400" />
            <p>
              <strong>Cache your token.</strong> <code className="font-mono">{c.cache_hint.address}</code> requested{" "}
              {c.cache_hint.exchanges_last_hour} tokens in the last hour, though each one lasts{" "}
              {lifetimeLabel(c.cache_hint.token_lifetime_seconds).toLowerCase()}. Keep a token and reuse it until shortly before it
              expires, instead of requesting one per call.
            </p>
          </div>
        ) : null}
        <dl className="grid gap-4 sm:grid-cols-2">
          <QuotaField label="Tokens this hour" used={c.issued.this_hour} limit={c.tokens_per_hour} />
          <QuotaField label="Tokens today (UTC)" used={c.issued.today} limit={c.tokens_per_day} />
        </dl>
        {manage ? (
          <div>
            <EditQuotaAction scoping={scoping} credential={c} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function QuotaField({ label, used, limit }: { label: string; used: number; limit: number | null }) {
  const full = limit !== null && used >= limit;
  if (limit === null) {
    // Tokens are counted against a quota only while one is set: a count here would read 0 for a
    // credential in use (its exchanges are under Secret usage).
    return (
      <div className="grid content-start gap-1">
        <dt className="text-sm text-muted-foreground">{label}</dt>
        <dd className="text-sm">
          <span className="text-xl font-semibold">No quota</span>
          <span className="block text-xs text-muted-foreground">Counted once a quota is set; exchanges are under Secret usage.</span>
        </dd>
      </div>
    );
  }
  return (
    <div className="grid content-start gap-1">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="text-sm">
        <span className={`text-xl font-semibold tabular-nums ${full ? "text-destructive" : ""}`}>{used}</span>
        <span className="text-muted-foreground"> of {limit}</span>
        {full ? <span className="block text-xs text-destructive">Quota used up: further requests get 429 until it resets.</span> : null}
      </dd>
    </div>
  );
}

function ClearLockoutAction({ scoping, credential }: { scoping: Scoping; credential: CredentialDetail }) {
  const clear = useClearLockout(scoping, credential.id);
  return (
    <ConfirmDialog
      trigger={<Button variant="outline">Clear lockout</Button>}
      title={`Clear the lockout of ${credential.name}?`}
      description="The client ID works from any address again at once, and its count of wrong secrets starts from zero. If the wrong secrets came from an attacker, consider regenerating the secret as well."
      confirmLabel="Clear lockout"
      action={() => clear.mutateAsync()}
      successMessage="Lockout cleared"
    />
  );
}

function EditQuotaAction({ scoping, credential }: { scoping: Scoping; credential: CredentialDetail }) {
  const update = useUpdateCredential(scoping, credential.id);
  const [hour, setHour] = useState("");
  const [day, setDay] = useState("");
  const hourId = useId();
  const dayId = useId();
  const parse = (v: string, what: string) => {
    if (v.trim() === "") return null;
    if (!/^\d+$/.test(v.trim())) throw new Error(`Tokens per ${what}: enter a whole number, or leave it empty for no quota.`);
    return Number(v.trim());
  };
  return (
    <ConfirmDialog
      trigger={<Button variant="outline">Edit quota</Button>}
      title="Issuance quota"
      description="At most this many access tokens per UTC hour and day; past it the token endpoint answers 429 with Retry-After. Leave a field empty for no quota."
      confirmLabel="Save quota"
      onOpenChange={(open) => {
        if (open) {
          setHour(credential.tokens_per_hour?.toString() ?? "");
          setDay(credential.tokens_per_day?.toString() ?? "");
        }
      }}
      action={async () => update.mutateAsync({ tokens_per_hour: parse(hour, "hour"), tokens_per_day: parse(day, "day") })}
      successMessage="Quota saved"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="grid gap-2">
          <Label htmlFor={hourId}>Tokens per hour</Label>
          <Input id={hourId} inputMode="numeric" placeholder="No quota" value={hour} onChange={(e) => setHour(e.target.value)} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor={dayId}>Tokens per day</Label>
          <Input id={dayId} inputMode="numeric" placeholder="No quota" value={day} onChange={(e) => setDay(e.target.value)} />
        </div>
      </div>
    </ConfirmDialog>
  );
}
