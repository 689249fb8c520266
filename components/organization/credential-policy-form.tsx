"use client";
// Settings > General: the organization's credential policy. Owners change it; everyone else
// reads it. Active credentials that break it are listed (and left as they are).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Switch } from "@/components/ui/switch";
import { ApiError, fetchApi } from "@/lib/api/fetch-api";
import type { CredentialPolicyView } from "@/lib/validations/credential-policy";

const policyKey = (orgId: string) => ["credential-policy", orgId] as const;

type Draft = { maxDays: string; minLifetime: string; maxLifetime: string; scopes: string[]; developers: boolean };

const toDraft = (p: CredentialPolicyView): Draft => ({
  maxDays: p.max_credential_lifetime_days?.toString() ?? "",
  minLifetime: p.min_token_lifetime_seconds?.toString() ?? "",
  maxLifetime: p.max_token_lifetime_seconds?.toString() ?? "",
  scopes: p.allowed_scopes,
  developers: p.developers_create_test_credentials,
});

const num = (v: string) => (v.trim() === "" ? null : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v);

export function CredentialPolicyForm({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const qc = useQueryClient();
  const policy = useQuery({
    queryKey: policyKey(orgId),
    queryFn: ({ signal }) => fetchApi<CredentialPolicyView>("/api/v1/organization/credential-policy", { signal }),
  });
  const scopes = useQuery({
    queryKey: ["scopes", orgId],
    queryFn: ({ signal }) => fetchApi<{ data: { name: string }[] }>("/api/v1/scopes", { signal }),
    select: (page) => page.data,
    staleTime: 60_000,
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The form starts from the stored policy once it has loaded (adjusted while rendering, as React advises).
  if (policy.data && draft === null) setDraft(toDraft(policy.data));
  const save = useMutation({
    mutationFn: (d: Draft) =>
      fetchApi<CredentialPolicyView>("/api/v1/organization/credential-policy", {
        method: "PATCH",
        body: {
          max_credential_lifetime_days: num(d.maxDays),
          allowed_scopes: d.scopes,
          min_token_lifetime_seconds: num(d.minLifetime),
          max_token_lifetime_seconds: num(d.maxLifetime),
          developers_create_test_credentials: d.developers,
        },
      }),
    onSuccess: (p) => {
      qc.setQueryData(policyKey(orgId), p);
      setDraft(toDraft(p));
      setErrors({});
      toast.success("Credential policy saved");
    },
    onError: (err) => {
      if (err instanceof ApiError) setErrors(Object.fromEntries((err.errors ?? []).map((e) => [e.field.split("[")[0]!, e.message])));
      toast.error(err.message);
    },
  });
  const ids = { maxDays: useId(), minLifetime: useId(), maxLifetime: useId(), developers: useId() };

  if (!draft) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Credential policy</CardTitle>
        </CardHeader>
        <CardContent>{policy.isError ? <p role="alert">Could not load the policy.</p> : <Spinner />}</CardContent>
      </Card>
    );
  }
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const violations = policy.data?.violations ?? [];
  // Like the other forms of the page: Save is offered once something changed.
  const dirty = !policy.data || JSON.stringify(toDraft(policy.data)) !== JSON.stringify(draft);

  return (
    <Card>
      <form
        aria-label="Credential policy"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <CardHeader>
          <CardTitle>Credential policy</CardTitle>
          <CardDescription>
            Rules every new credential must follow, in both modes. Credentials that already exist are not changed; those that
            break the policy are listed below.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5 pt-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <NumberField id={ids.maxDays} label="Maximum credential lifetime (days)" hint="Empty: credentials may never expire." value={draft.maxDays} error={errors.max_credential_lifetime_days} disabled={!canEdit} onChange={(v) => set({ maxDays: v })} />
            <NumberField id={ids.minLifetime} label="Minimum token lifetime (seconds)" hint="300 to 86400; empty: no minimum." value={draft.minLifetime} error={errors.min_token_lifetime_seconds} disabled={!canEdit} onChange={(v) => set({ minLifetime: v })} />
            <NumberField id={ids.maxLifetime} label="Maximum token lifetime (seconds)" hint="300 to 86400; empty: no maximum." value={draft.maxLifetime} error={errors.max_token_lifetime_seconds} disabled={!canEdit} onChange={(v) => set({ maxLifetime: v })} />
          </div>
          <fieldset className="grid gap-2">
            <legend className="text-sm font-medium">Allowed scopes for new credentials</legend>
            <p className="text-sm text-muted-foreground">None ticked: any scope of the catalog.</p>
            <div className="grid gap-2 sm:grid-cols-3">
              {(scopes.data ?? []).map((s) => (
                <label key={s.name} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    checked={draft.scopes.includes(s.name)}
                    disabled={!canEdit}
                    onCheckedChange={(on) => set({ scopes: on ? [...draft.scopes, s.name] : draft.scopes.filter((x) => x !== s.name) })}
                  />
                  <code className="font-mono">{s.name}</code>
                </label>
              ))}
            </div>
            {errors.allowed_scopes ? <p className="text-sm text-destructive">{errors.allowed_scopes}</p> : null}
          </fieldset>
          <div className="flex items-center gap-3">
            <Switch id={ids.developers} checked={draft.developers} disabled={!canEdit} onCheckedChange={(on) => set({ developers: on })} />
            <Label htmlFor={ids.developers}>Developers may create test credentials</Label>
          </div>
          <section aria-label="Credentials that break the policy" className="grid gap-2">
            <h3 className="text-sm font-medium">Credentials that break the policy</h3>
            {violations.length === 0 ? (
              <p className="text-sm text-muted-foreground">None: every active credential follows it.</p>
            ) : (
              <ul className="grid gap-2">
                {violations.map((v) => (
                  <li key={v.id} className="grid gap-0.5 rounded-md border p-2 text-sm">
                    <span className="flex flex-wrap items-center gap-2">
                      <Link href={`/settings/organization/credentials/${v.id}`} className="font-medium underline-offset-4 hover:underline">
                        {v.name}
                      </Link>
                      <Badge variant="outline">{v.environment}</Badge>
                    </span>
                    <span className="text-muted-foreground">{v.reasons.join("; ")}</span>
                  </li>
                ))}
              </ul>
            )}
            {violations.length ? (
              <p className="text-xs text-muted-foreground">
                Only credentials of the current mode link to a page you can open from here; switch modes for the others.
              </p>
            ) : null}
          </section>
        </CardContent>
        <CardFooter className="justify-between gap-4 border-t pt-4">
          <p className="text-sm text-muted-foreground">{canEdit ? "Only owners can change the policy; changes are audited." : "Only owners can change the policy."}</p>
          <Button type="submit" disabled={!canEdit || save.isPending || !dirty}>
            {save.isPending ? <Spinner /> : null}
            Save policy
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function NumberField(props: { id: string; label: string; hint: string; value: string; error?: string; disabled: boolean; onChange: (v: string) => void }) {
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={props.id}>{props.label}</Label>
      <Input
        id={props.id}
        inputMode="numeric"
        value={props.value}
        disabled={props.disabled}
        aria-invalid={!!props.error}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <p id={`${props.id}-hint`} className={`text-xs ${props.error ? "text-destructive" : "text-muted-foreground"}`}>
        {props.error ?? props.hint}
      </p>
    </div>
  );
}
