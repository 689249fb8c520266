"use client";
// Which secrets (and registered private_key_jwt keys) work now and which token exchanges each one
// authenticated: during a grace period this says whether the rotation is finished (the old secret
// is no longer used) and lets an admin end the grace period at once.
import { CheckCircle2, TriangleAlert } from "lucide-react";
import { useEndGracePeriod, type CredentialDetail, type Scoping } from "@/components/credentials/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { SecretUsageView } from "@/lib/validations/credentials";

const SECRET_LABELS: Record<SecretUsageView["secret"], string> = {
  current: "Current",
  previous: "Previous",
  older: "Older",
  key: "Key",
};

export function SecretRotationCard({ scoping, credential, canManage }: { scoping: Scoping; credential: CredentialDetail; canManage: boolean }) {
  const usage = credential.secret_usage;
  const old = usage.filter((u) => u.secret === "previous" || u.secret === "older");
  const hasKeys = usage.some((u) => u.secret === "key");
  const inGrace = old.length > 0;
  const lastOld = old
    .filter((u) => u.last_used_at)
    .sort((a, b) => (a.last_used_at! < b.last_used_at! ? 1 : -1))[0];
  const oldHour = old.reduce((n, u) => n + u.exchanges_last_hour, 0);

  return (
    <Card>
      <CardHeader>
        <CardTitle>{inGrace ? "Rotation in progress" : "Secret usage"}</CardTitle>
        <CardDescription>
          {inGrace
            ? "More than one secret works during the grace period. Each token exchange is recorded with the secret that authenticated it and the address it came from."
            : hasKeys
              ? "Token exchanges authenticated by the current secret and by each registered key (private_key_jwt), and the address of the last one."
              : "Token exchanges authenticated by the current secret, and the address of the last one."}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 pt-2">
        {inGrace ? (
          <div
            role="status"
            className="flex items-start gap-2 rounded-md border p-3 text-sm"
            aria-label="Old secret status"
          >
            {lastOld && oldHour > 0 ? (
              <>
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400" />
                <p>
                  The old secret is still in use: last used <LocalTime iso={lastOld.last_used_at!} format="relative" /> from{" "}
                  <code className="font-mono">{lastOld.last_used_from}</code>, {oldHour} exchange{oldHour === 1 ? "" : "s"} in the last hour.
                  Ending the grace period now would break that client.
                </p>
              </>
            ) : (
              <>
                <CheckCircle2 aria-hidden className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400" />
                <p>
                  {lastOld ? (
                    <>
                      The old secret has not been used for an hour (last <LocalTime iso={lastOld.last_used_at!} format="relative" /> from{" "}
                      <code className="font-mono">{lastOld.last_used_from}</code>).
                    </>
                  ) : (
                    "The old secret has not been used since the regeneration."
                  )}{" "}
                  The rotation looks finished: you can end the grace period.
                </p>
              </>
            )}
          </div>
        ) : null}
        {inGrace && credential.grace_ends_when_unused_hours ? (
          <p className="text-sm text-muted-foreground">
            The grace period ends by itself once the old secret has been unused for {credential.grace_ends_when_unused_hours} hour
            {credential.grace_ends_when_unused_hours === 1 ? "" : "s"}.
          </p>
        ) : null}
        <div className="w-full min-w-0 overflow-x-auto rounded-md border">
          <Table aria-label="Secrets and their use">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead className="px-3">{hasKeys ? "Secret or key" : "Secret"}</TableHead>
                <TableHead className="px-3">Works until</TableHead>
                <TableHead className="px-3">Last used</TableHead>
                <TableHead className="px-3">From</TableHead>
                <TableHead className="px-3 text-right">Last hour</TableHead>
                <TableHead className="px-3 text-right">Last 24 h</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {usage.map((u, i) => (
                <TableRow key={`${u.secret}-${i}`}>
                  <TableCell className="px-3 whitespace-nowrap">
                    <Badge variant={u.secret === "current" ? "secondary" : "outline"}>{SECRET_LABELS[u.secret]}</Badge>{" "}
                    {u.secret_last4 ? <code className="font-mono text-xs">…{u.secret_last4}</code> : null}
                    {u.key_id ? (
                      <code className="font-mono text-xs" title={`private_key_jwt, key ${u.key_id}`}>
                        {u.key_id.length > 24 ? `${u.key_id.slice(0, 24)}…` : u.key_id}
                      </code>
                    ) : null}
                  </TableCell>
                  <TableCell className="px-3 whitespace-nowrap">
                    {u.valid_until ? <LocalTime iso={u.valid_until} format="datetime" /> : credential.keys_only && u.method === "client_secret" ? "Turned off (keys only)" : "—"}
                  </TableCell>
                  <TableCell className="px-3 whitespace-nowrap">
                    {u.last_used_at ? <LocalTime iso={u.last_used_at} format="relative" /> : "Never"}
                  </TableCell>
                  <TableCell className="px-3 font-mono text-xs">{u.last_used_from ?? "—"}</TableCell>
                  <TableCell className="px-3 text-right tabular-nums">{u.exchanges_last_hour}</TableCell>
                  <TableCell className="px-3 text-right tabular-nums">{u.exchanges_last_day}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        {inGrace && canManage && credential.status === "active" ? (
          <div>
            <EndGraceAction scoping={scoping} credential={credential} stillUsed={oldHour > 0} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function EndGraceAction({ scoping, credential, stillUsed }: { scoping: Scoping; credential: CredentialDetail; stillUsed: boolean }) {
  const end = useEndGracePeriod(scoping, credential.id);
  return (
    <ConfirmDialog
      trigger={<Button variant={stillUsed ? "destructive" : "outline"}>End grace period now</Button>}
      title={`End the grace period of ${credential.name}?`}
      description={
        stillUsed
          ? "The old secret was used in the last hour. Once you confirm it stops working at once, and the clients still using it get 401 until they switch to the current secret."
          : "The old secret stops working at once; only the current secret keeps working."
      }
      confirmLabel="End grace period"
      destructive
      action={() => end.mutateAsync()}
      successMessage="Grace period ended: only the current secret works"
    />
  );
}
