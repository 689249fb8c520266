"use client";
// One credential: its fields, scopes, usage and audit entries; admins and owners regenerate its
// secret (with an optional grace period for the old one) or revoke it for good.
import { RefreshCw } from "lucide-react";
import { useId, useState } from "react";
import { ClientSecretView } from "@/components/credentials/client-secret-view";
import { CredentialStatusBadge, lifetimeLabel } from "@/components/credentials/credential-badges";
import { LocalTime } from "@/components/ui/local-time";
import {
  useCredential,
  useRegenerateSecret,
  useScopes,
  type CredentialAuditEntry,
  type CredentialDetail,
  type CredentialWithSecret,
  type GracePeriod,
  type Scoping,
} from "@/components/credentials/queries";
import { Badge } from "@/components/ui/badge";
import { EditCredentialDialog } from "@/components/credentials/edit-credential-dialog";
import { RevokeCredentialAction } from "@/components/credentials/revoke-credential-action";
import { SecretRotationCard } from "@/components/credentials/secret-rotation-card";
import { AbuseControlCard } from "@/components/credentials/abuse-control-card";
import { ClientKeysCard } from "@/components/credentials/client-keys-card";
import { CredentialActivityCard } from "@/components/credentials/credential-activity-card";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const END_WHEN_UNUSED_OPTIONS: { value: number; label: string }[] = [
  { value: 0, label: "No, keep it until the grace period ends" },
  { value: 1, label: "After 1 hour without use" },
  { value: 6, label: "After 6 hours without use" },
];

const GRACE_OPTIONS: { value: GracePeriod; label: string }[] = [
  { value: 0, label: "Stop immediately" },
  { value: 3600, label: "For 1 hour" },
  { value: 86400, label: "For 24 hours" },
];

const ACTION_LABELS: Record<string, string> = {
  "credential.created": "Created",
  "credential.secret_regenerated": "Secret regenerated",
  "credential.revoked": "Revoked",
  "credential.grace_period_ended": "Grace period ended",
  "credential.locked_out": "Locked out (wrong secrets)",
  "credential.lockout_cleared": "Lockout cleared",
  "credential.quota_changed": "Quota changed",
  "credential.client_keys_set": "Public key registered",
  "credential.client_keys_removed": "Public key removed",
  "credential.secrets_disabled": "Secrets turned off (keys only)",
  "credential.secrets_enabled": "Secrets turned back on",
};

type Props = { scoping: Scoping; initial: CredentialDetail; canManage: boolean };

export function CredentialDetailView({ scoping, initial, canManage }: Props) {
  const { data } = useCredential(scoping, initial.id, initial);
  const c = data ?? initial;
  const [secret, setSecret] = useState<CredentialWithSecret | null>(null);

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere">{c.name}</h1>
            <CredentialStatusBadge status={c.status} />
          </div>
          <p className="text-sm text-muted-foreground">
            OAuth client credential, {c.environment} mode.
            {c.status === "revoked" ? " Revoked credentials cannot be restored; create a new one instead." : null}
          </p>
        </div>
        {c.status !== "revoked" ? (
          canManage ? (
            <div className="flex flex-wrap items-center gap-2">
              <EditCredentialDialog scoping={scoping} credential={c} />
              <RegenerateAction scoping={scoping} credential={c} onSecret={setSecret} />
              <RevokeCredentialAction scoping={scoping} credential={c} />
            </div>
          ) : (
            <p className="max-w-xs text-sm text-muted-foreground">
              Only admins and owners can edit, regenerate the secret of or revoke this credential.
            </p>
          )
        ) : null}
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Details</CardTitle>
        </CardHeader>
        <CardContent className="pt-2">
          <dl className="grid gap-x-8 gap-y-4 sm:grid-cols-2">
            <Field label="Client ID">
              <span className="flex min-w-0 items-center gap-1">
                <code className="font-mono text-sm break-all">{c.client_id}</code>
                <CopyButton value={c.client_id} label="Copy client ID" />
              </span>
            </Field>
            <Field label="Client secret">
              <code className="font-mono text-sm" aria-label={`ends in ${c.secret_last4}`}>
                …{c.secret_last4}
              </code>
            </Field>
            <Field label="Token lifetime">{lifetimeLabel(c.token_lifetime_seconds)}</Field>
            <Field label="Expires">
              {c.expires_at ? <LocalTime iso={c.expires_at} format="datetime" /> : "Never"}
            </Field>
            <Field label="Created">
              <LocalTime iso={c.created_at} format="datetime" />
            </Field>
            <Field label="Last used">
              {c.last_used_at ? <LocalTime iso={c.last_used_at} format="relative" /> : "Never"}
            </Field>
            {c.revoked_at ? (
              <Field label="Revoked">
                <LocalTime iso={c.revoked_at} format="datetime" />
              </Field>
            ) : null}
            {c.previous_secret_expires_at ? (
              <Field label="Old secret works until">
                <LocalTime iso={c.previous_secret_expires_at} format="datetime" />
              </Field>
            ) : null}
            {c.older_secrets_expire_at.map((until, i) => (
              <Field key={until + i} label="An older secret works until">
                <LocalTime iso={until} format="datetime" />
              </Field>
            ))}
          </dl>
        </CardContent>
      </Card>

      {c.status !== "revoked" ? <SecretRotationCard scoping={scoping} credential={c} canManage={canManage} /> : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <ScopesCard scoping={scoping} scopes={c.scopes} />
        <Card>
          <CardHeader>
            <CardTitle>Usage</CardTitle>
            <CardDescription>Access tokens issued with this credential and failed exchanges at /oauth/token.</CardDescription>
          </CardHeader>
          <CardContent className="pt-2">
            <dl className="grid gap-4 sm:grid-cols-3">
              <Field label="Tokens issued">
                <span className="text-xl font-semibold tabular-nums">{c.usage.tokens_issued}</span>
              </Field>
              <Field label="Active tokens">
                <span className="text-xl font-semibold tabular-nums">{c.usage.active_tokens}</span>
              </Field>
              <Field label="Failed token exchanges">
                <span className="text-xl font-semibold tabular-nums">{c.failed_exchanges}</span>
                {c.last_failed_at ? (
                  <span className="block text-xs text-muted-foreground">
                    last failed <LocalTime iso={c.last_failed_at} format="relative" />
                  </span>
                ) : null}
              </Field>
            </dl>
          </CardContent>
        </Card>
      </div>

      {c.status !== "revoked" ? <AbuseControlCard scoping={scoping} credential={c} canManage={canManage} /> : null}

      {c.status !== "revoked" ? <ClientKeysCard scoping={scoping} credential={c} canManage={canManage} /> : null}

      <CredentialActivityCard scoping={scoping} id={c.id} />

      <AuditSection entries={c.audit} />

      <OneTimeSecretDialog
        open={secret !== null}
        secret={secret}
        onDiscard={() => setSecret(null)}
        render={(v) => <ClientSecretView name={v.name} clientId={v.client_id} clientSecret={v.client_secret} regenerated />}
      />
    </div>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid min-w-0 content-start gap-1">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

function ScopesCard({ scoping, scopes }: { scoping: Scoping; scopes: string[] }) {
  const catalog = useScopes(scoping.orgId);
  const describe = (name: string) => catalog.data?.find((s) => s.name === name)?.description;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Scopes</CardTitle>
        <CardDescription>What tokens issued with this credential may do.</CardDescription>
      </CardHeader>
      <CardContent className="pt-2">
        <ul className="grid gap-2.5">
          {scopes.map((s) => (
            <li key={s} className="grid gap-0.5">
              <span>
                <Badge variant="secondary" className="font-mono">
                  {s}
                </Badge>
              </span>
              <span className="text-sm text-muted-foreground">
                {catalog.isPending ? "…" : (describe(s) ?? "No description")}
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

function AuditSection({ entries }: { entries: CredentialAuditEntry[] }) {
  return (
    <section aria-labelledby="credential-audit-heading" className="grid gap-3">
      <div className="grid gap-1">
        <h2 id="credential-audit-heading" className="text-lg font-semibold">
          Audit entries
        </h2>
        <p className="text-sm text-muted-foreground">Who changed this credential, from where and when (newest first).</p>
      </div>
      <div className="w-full min-w-0 rounded-md border contain-inline-size">
        <Table aria-labelledby="credential-audit-heading">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="px-3">Action</TableHead>
              <TableHead className="px-3">Actor</TableHead>
              <TableHead className="px-3">IP</TableHead>
              <TableHead className="px-3">Time</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {entries.length === 0 ? (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={4} className="py-8 text-center text-muted-foreground">
                  No entries yet.
                </TableCell>
              </TableRow>
            ) : (
              entries.map((a) => (
                <TableRow key={a.id}>
                  <TableCell className="px-3">
                    <span className="font-medium">{ACTION_LABELS[a.action] ?? a.action}</span>{" "}
                    <code className="font-mono text-xs text-muted-foreground">{a.action}</code>
                  </TableCell>
                  <TableCell className="px-3 break-all">{a.actor}</TableCell>
                  <TableCell className="px-3 font-mono text-xs">{a.ip ?? "—"}</TableCell>
                  <TableCell className="px-3">
                    <LocalTime iso={a.created_at} format="datetime" className="whitespace-nowrap" />
                  </TableCell>
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

function RegenerateAction(props: {
  scoping: Scoping;
  credential: CredentialDetail;
  onSecret: (c: CredentialWithSecret) => void;
}) {
  const regenerate = useRegenerateSecret(props.scoping, props.credential.id);
  const [grace, setGrace] = useState<GracePeriod>(0);
  const [endWhenUnused, setEndWhenUnused] = useState(0);
  const selectId = useId();
  const unusedId = useId();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline">
          <RefreshCw aria-hidden />
          Regenerate secret
        </Button>
      }
      title={`Regenerate the secret of ${props.credential.name}?`}
      description="You get a new client secret, shown once. Services that use the old one must switch to the new one; tokens already issued keep working until they expire."
      confirmLabel="Regenerate secret"
      onOpenChange={(open) => {
        if (!open) {
          setGrace(0);
          setEndWhenUnused(0);
        }
      }}
      action={() => regenerate.mutateAsync({ grace, endWhenUnusedHours: endWhenUnused || null })}
      successMessage="New client secret generated"
      onSuccess={(c) => {
        // The secret is shown once: do not keep it in the mutation's cache as well.
        regenerate.reset();
        props.onSecret(c);
      }}
    >
      <div className="grid gap-2">
        <Label htmlFor={selectId}>Old secret keeps working</Label>
        <Select value={String(grace)} onValueChange={(v) => setGrace(Number(v) as GracePeriod)}>
          <SelectTrigger id={selectId} className="w-full">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {GRACE_OPTIONS.map((o) => (
              <SelectItem key={o.value} value={String(o.value)}>
                {o.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <p className="text-sm text-muted-foreground">
          {grace === 0
            ? "The old secret stops working as soon as you confirm."
            : "Both secrets work during the grace period, so you can roll the new one out without downtime. The credential page shows which secret each token exchange used."}
        </p>
        {grace > 0 ? (
          <>
            <Label htmlFor={unusedId} className="mt-2">
              End the grace period early
            </Label>
            <Select value={String(endWhenUnused)} onValueChange={(v) => setEndWhenUnused(Number(v))}>
              <SelectTrigger id={unusedId} className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {END_WHEN_UNUSED_OPTIONS.filter((o) => o.value * 3600 < grace).map((o) => (
                  <SelectItem key={o.value} value={String(o.value)}>
                    {o.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </>
        ) : null}
      </div>
    </ConfirmDialog>
  );
}

