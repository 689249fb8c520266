"use client";
// One outgoing endpoint: header with status, what its state means (paused, disabled, rotating),
// actions for developers and above (send test event, pause / resume, rotate secret, delete), its
// settings, and its deliveries.
import { Play, TriangleAlert } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { Suspense, useState } from "react";
import { toast } from "sonner";
import { askedStatusText, EndpointStatusBadge, EventTypeBadges, ReceiverPauseBadge } from "@/components/webhooks/endpoint-badges";
import { LocalTime } from "@/components/ui/local-time";
import { useEndpoint, useUpdateEndpoint, type EndpointWithSecret, type Scoping } from "@/components/webhooks/queries";
import { useDeliveries } from "@/components/deliveries/queries";
import { DeleteEndpointDialog, PauseEndpointDialog, RecoverFailedDialog, RotateSecretDialog, SendTestEventDialog } from "@/components/webhooks/lazy";
import { PAUSE_EXPLANATION } from "@/components/webhooks/triggers";
import { SigningSecretView } from "@/components/webhooks/signing-secret-view";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { OneTimeSecretDialog } from "@/components/ui/one-time-secret-dialog";
import { Spinner } from "@/components/ui/spinner";
import type { EndpointView } from "@/lib/validations/webhooks";
import { EndpointHealthCard } from "@/components/webhooks/endpoint-health";
import { SigningSecretCard } from "@/components/webhooks/signing-secret-card";
import { CollapsibleSection } from "@/components/ui/collapsible-section";
import { Truncate } from "@/components/ui/truncate";
import { Skeleton } from "@/components/ui/skeleton";

// The settings form (and with it react-hook-form, zod and the endpoint form's schema) loads when
// the folded Settings section is first opened: most visits look at the deliveries only.
// next/dynamic, so that if the server ever renders it, its chunk comes with the page.
const SettingsCard = dynamic(() => import("@/components/webhooks/endpoint-settings-card").then((m) => m.EndpointSettingsCard), {
  loading: () => <Skeleton className="h-64 w-full" />,
});

type Props = {
  scoping: Scoping;
  initial: EndpointView;
  canManage: boolean;
  /** Admins and owners may reveal the signing secret again (audited). */
  canReveal: boolean;
  /** The Deliveries section's content; the page composes it from the deliveries feature. */
  deliveries: React.ReactNode;
};

export function EndpointDetailView({ scoping, initial, canManage, canReveal, deliveries }: Props) {
  const { data } = useEndpoint(scoping, initial.id, initial);
  const e = data ?? initial;
  const [secret, setSecret] = useState<EndpointWithSecret | null>(null);

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid min-w-0 gap-1.5">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere">{e.name}</h1>
            <EndpointStatusBadge endpoint={e} />
            {e.health.receiver_pause ? <ReceiverPauseBadge pause={e.health.receiver_pause} /> : null}
          </div>
          <p className="flex min-w-0 items-center gap-1">
            <Truncate as="code" value={e.url} className="font-mono text-sm text-muted-foreground" />
            <CopyButton value={e.url} label="Copy endpoint URL" />
          </p>
          {e.description ? <p className="text-sm text-muted-foreground">{e.description}</p> : null}
        </div>
        {canManage ? (
          <div className="flex flex-wrap items-center gap-2">
            <SendTestEventDialog scoping={scoping} endpoint={e} />
            <RecoverFailedDialog endpoint={e} />
            <PauseResumeAction scoping={scoping} endpoint={e} />
            <RotateSecretDialog scoping={scoping} endpoint={e} onSecret={setSecret} />
            <DeleteEndpointDialog scoping={scoping} endpoint={e} />
          </div>
        ) : (
          <p className="max-w-xs text-sm text-muted-foreground">
            You can look; developers, admins and owners change, pause, rotate or delete endpoints.
          </p>
        )}
      </div>

      <StateNotices scoping={scoping} endpoint={e} />

      <EndpointHealthCard health={e.health} />

      {/*
        One boundary for everything below the health card (issue 14, Lighthouse): React hydrates it
        after the page's header, in slices. With the outcome chart in the HTML this part is large
        enough for React to stream it after the rest and reveal it a frame or more later; as the
        page's last part, its arrival moves nothing that was already painted (no layout shift).
      */}
      <Suspense>
        <section aria-labelledby="endpoint-deliveries-heading" className="grid gap-3">
          <div className="grid gap-1">
            <h2 id="endpoint-deliveries-heading" className="text-lg font-semibold">
              Deliveries
            </h2>
            <p className="text-sm text-muted-foreground">Events sent to this endpoint and what it answered.</p>
          </div>
          {deliveries}
        </section>

        {/*
          The parts below the deliveries hydrate in boundaries of their own: each boundary is one
          commit (with its effects) that cannot be split, so the deliveries, the settings and the
          signing secret are three shorter tasks rather than one long one (issue 14, Lighthouse).
          They are the page's last parts: complete when the page is sent, and nothing below them
          could move if one were revealed later.
        */}
        <Suspense>
          {/* Settings change rarely: they fold away below what is looked at daily, the deliveries. */}
          <CollapsibleSection title="Settings" description="URL, events, custom headers, auth token and timeout.">
            {canManage ? <SettingsCard scoping={scoping} endpoint={e} /> : <ReadOnlySettings endpoint={e} />}
          </CollapsibleSection>
        </Suspense>

        <Suspense>
          <SigningSecretCard endpointId={e.id} canReveal={canReveal} />
        </Suspense>
      </Suspense>

      <OneTimeSecretDialog
        open={secret !== null}
        secret={secret}
        onDiscard={() => setSecret(null)}
        className="max-h-[92vh] overflow-y-auto sm:max-w-2xl"
        render={(v) => (
          <SigningSecretView name={v.name} secret={v.secret} rotated previousValidUntil={v.previous_secret_expires_at} />
        )}
      />
    </div>
  );
}

function Notice({ children, tone = "info" }: { children: React.ReactNode; tone?: "info" | "warning" | "destructive" }) {
  const colours = {
    info: "border-border bg-muted/40",
    warning: "border-warning/40 bg-warning/10",
    destructive: "border-destructive/30 bg-destructive/5",
  }[tone];
  return <div role="status" className={`rounded-md border px-4 py-3 text-sm ${colours}`}>{children}</div>;
}

/** "1 delivery held", "3 deliveries held", "25+ deliveries held" (more pages), "No deliveries held yet". */
function heldText(n: number, more: boolean): string {
  if (n === 0) return "No deliveries held yet.";
  return `${n}${more ? "+" : ""} ${n === 1 && !more ? "delivery" : "deliveries"} held.`;
}

function PausedNotice({ scoping, endpoint: e }: { scoping: Scoping; endpoint: EndpointView }) {
  // The same live query as the Held filter of the list below.
  const held = useDeliveries(scoping, { endpointId: e.id, status: "held" });
  const n = held.data?.pages.reduce((sum, p) => sum + p.data.length, 0);
  return (
    <Notice tone="warning">
      <strong className="font-semibold">Paused</strong>
      {e.paused_at ? (
        <>
          {" "}
          since <LocalTime format="datetime" iso={e.paused_at} />
        </>
      ) : null}
      . {n === undefined ? null : <strong className="font-semibold">{heldText(n, !!held.hasNextPage)} </strong>}
      {PAUSE_EXPLANATION}
    </Notice>
  );
}

/** The receiver asked to wait (429/503 with Retry-After): until when, why, and what happens meanwhile. */
function ReceiverPauseNotice({ pause }: { pause: NonNullable<EndpointView["health"]["receiver_pause"]> }) {
  return (
    <Notice tone="warning">
      <strong className="font-semibold">Waiting for the receiver</strong> until <LocalTime format="datetime" iso={pause.until} /> (
      <LocalTime format="relative" iso={pause.until} />
      ). It answered <strong className="font-semibold">{askedStatusText(pause.status)}</strong> with Retry-After
      {pause.asked_at ? (
        <>
          {" "}
          <LocalTime format="relative" iso={pause.asked_at} />
        </>
      ) : null}
      {pause.delivery_id ? (
        <>
          {" "}
          (to delivery{" "}
          <Link
            href={`/settings/organization/webhooks/deliveries?q=${encodeURIComponent(pause.delivery_id)}`}
            className="font-mono text-xs underline underline-offset-4"
          >
            {pause.delivery_id}
          </Link>
          )
        </>
      ) : null}
      , so nothing is sent to this endpoint before then. Deliveries wait and go out after it; none is dropped.
    </Notice>
  );
}

function StateNotices({ scoping, endpoint: e }: { scoping: Scoping; endpoint: EndpointView }) {
  return (
    <>
      {e.status === "PAUSED" ? <PausedNotice scoping={scoping} endpoint={e} /> : null}
      {e.health.receiver_pause && e.status !== "DISABLED" ? <ReceiverPauseNotice pause={e.health.receiver_pause} /> : null}
      {e.status === "DISABLED" ? (
        <Notice tone="destructive">
          <strong className="font-semibold">Disabled by Gatehouse</strong>
          {e.disabled_reason ? `: ${e.disabled_reason}` : null}. New events are not delivered here until you re-enable it.
        </Notice>
      ) : null}
      {/* With the circuit open the Health card below says it all. */}
      {e.consecutive_failures > 0 && e.status !== "DISABLED" && e.health.circuit.state !== "open" ? (
        <Notice tone="warning">
          <TriangleAlert className="mr-1.5 inline size-4 align-text-bottom text-warning" aria-hidden />
          {/* The count is of attempts (a delivery retried 3 times counts 3), not of deliveries. */}
          {e.consecutive_failures} failed attempt{e.consecutive_failures === 1 ? "" : "s"} in a row to this endpoint; a successful
          attempt resets the count.
        </Notice>
      ) : null}
      {e.previous_secret_expires_at ? (
        <Notice>
          <strong className="font-semibold">Secret rotation:</strong> previous secret valid until{" "}
          <LocalTime format="datetime" iso={e.previous_secret_expires_at} />. Until then each delivery carries a signature made with the
          previous secret beside one made with the new secret.
          <GraceWindow from={e.secret_rotated_at} until={e.previous_secret_expires_at} signatures={2 + e.older_secrets_expire_at.length} />
          {e.older_secrets_expire_at.length ? (
            <>
              {" "}
              {e.older_secrets_expire_at.length === 1 ? "An older secret from an earlier rotation also signs" : `${e.older_secrets_expire_at.length} older secrets from earlier rotations also sign`}{" "}
              until <LocalTime format="datetime" iso={[...e.older_secrets_expire_at].sort().at(-1)!} />.
            </>
          ) : null}
        </Notice>
      ) : null}
    </>
  );
}

/**
 * The signing secret's grace window as a bar from the rotation to its end: receivers cannot tell
 * us when they switched, so the window is what there is to show.
 */
function GraceWindow({ from, until, signatures }: { from: string | null; until: string; signatures: number }) {
  const end = Date.parse(until);
  const start = from ? Date.parse(from) : null;
  const [now] = useState(() => Date.now()); // as of this render of the page; the notice is re-read on every change
  const done = start !== null && end > start ? Math.min(100, Math.max(0, ((now - start) / (end - start)) * 100)) : null;
  const hoursLeft = Math.max(0, (end - now) / 3_600_000);
  return (
    <span className="mt-2 grid gap-1" role="group" aria-label="Signing secret grace window">
      {done !== null ? (
        <span
          className="block h-1.5 w-full overflow-hidden rounded-full bg-muted"
          role="progressbar"
          aria-label="Grace window elapsed"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(done)}
        >
          <span className="block h-full bg-primary" style={{ width: `${done}%` }} />
        </span>
      ) : null}
      <span className="text-xs text-muted-foreground">
        {from ? (
          <>
            Rotated <LocalTime format="datetime" iso={from} />;{" "}
          </>
        ) : null}
        {hoursLeft >= 1 ? `${Math.floor(hoursLeft)} h ${Math.round((hoursLeft % 1) * 60)} min left` : `${Math.ceil(hoursLeft * 60)} min left`}; deliveries carry{" "}
        {signatures} signatures in <code className="font-mono">webhook-signature</code> until it ends.
      </span>
    </span>
  );
}

function ReadOnlySettings({ endpoint: e }: { endpoint: EndpointView }) {
  const headers = Object.entries(e.headers_json);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
      </CardHeader>
      <CardContent className="pt-2">
        <dl className="grid gap-x-8 gap-y-4 sm:grid-cols-2">
          <Field label="Events">
            <EventTypeBadges types={e.event_types} max={10} />
          </Field>
          <Field label="Payload filter">
            {e.filter ? <code className="font-mono text-xs break-all">{e.filter}</code> : <span className="text-muted-foreground">None</span>}
          </Field>
          <Field label="Channels">{e.channels.length ? <span className="font-mono text-xs">{e.channels.join(", ")}</span> : <span className="text-muted-foreground">Any</span>}</Field>
          <Field label="Timeout">{e.timeout_seconds} seconds</Field>
          <Field label="Operator endpoint">{e.operator_events ? "Yes: receives Gatehouse's own gatehouse.* events" : "No"}</Field>
          <Field label="Throttle">
            {e.rate_limit_per_second === null ? "No rate limit" : `At most ${e.rate_limit_per_second} per second`}, {e.max_in_flight} in flight
            {e.ordering === "fifo" ? ", FIFO (one at a time, in order)" : ""}
          </Field>
          <Field label="Custom headers">
            {headers.length === 0 ? (
              <span className="text-muted-foreground">None</span>
            ) : (
              <ul className="grid gap-1 font-mono text-xs">
                {headers.map(([k, v]) => (
                  <li key={k} className="break-all">
                    {k}: {v}
                  </li>
                ))}
              </ul>
            )}
          </Field>
          <Field label="Auth token">{e.auth_token_configured ? <Badge variant="secondary">Set</Badge> : "None"}</Field>
          <Field label="Created">
            <LocalTime format="datetime" iso={e.created_at} />
          </Field>
          <Field label="Payload version">
            <code className="font-mono text-xs">{e.webhook_version}</code>
          </Field>
        </dl>
      </CardContent>
    </Card>
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

/** Pause asks first (lazy.tsx); Resume and Re-enable act at once. */
function PauseResumeAction({ scoping, endpoint: e }: { scoping: Scoping; endpoint: EndpointView }) {
  const update = useUpdateEndpoint(scoping, e.id);
  if (e.status === "ACTIVE") return <PauseEndpointDialog scoping={scoping} endpoint={e} />;
  return (
    <Button
      variant="outline"
      disabled={update.isPending}
      aria-busy={update.isPending || undefined}
      onClick={() =>
        update.mutate(
          { status: "ACTIVE" },
          {
            onSuccess: () =>
              toast.success(e.status === "PAUSED" ? `${e.name} resumed` : `${e.name} re-enabled`, {
                description: e.status === "PAUSED" ? "Held deliveries are being sent, oldest first." : undefined,
              }),
            onError: (err) => toast.error(err.message),
          },
        )
      }
    >
      {update.isPending ? <Spinner label="Working" /> : <Play aria-hidden />}
      {e.status === "PAUSED" ? "Resume" : "Re-enable"}
    </Button>
  );
}
