// Partial update of an endpoint, shared by both wire shapes: settings, a replacement signing
// secret (rotated with the default grace period), and pause/resume, in one transaction with
// one audit entry per kind of change.
import { AppError, describeFieldErrors } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { encrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";
import type { Environment, Prisma } from "@/lib/generated/prisma/client";
import { abortEndpointSends } from "@/lib/deliveries/in-flight-sends";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { headerNames, openHeaders, resolveMaskedHeaders, sealHeaders } from "@/lib/webhooks/custom-headers";
import { assertEndpointInput, checkUrlField, uniqueNames, type EndpointFieldNames } from "@/lib/webhooks/endpoint-input";
import { lockEndpoint } from "@/lib/webhooks/get-endpoints";
import { applySecretRotation, DEFAULT_ROTATION_GRACE_SECONDS } from "@/lib/webhooks/rotate-endpoint-secret";
import { applyEndpointStatus } from "@/lib/webhooks/set-endpoint-status";
import { endpointAuditSnapshot } from "@/lib/webhooks/views";
import { releaseFifoHeld } from "@/lib/deliveries/fifo-ordering";

export type EndpointPatch = {
  name?: string;
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  headers?: Record<string, string>;
  /** A new token, or null to remove it. */
  authToken?: string | null;
  timeoutSeconds?: number;
  webhookVersion?: string;
  /** A replacement `whsec_…` secret (the old one keeps signing for 24 hours). */
  secret?: string;
  status?: "active" | "paused";
  /** An operator endpoint: receives Gatehouse's own `gatehouse.*` events (lib/notifications). */
  operatorEvents?: boolean;
  /** A payload filter, or null to remove it. */
  filter?: string | null;
  channels?: string[];
  /** The throttle (lib/deliveries/endpoint-throttle.ts); null removes the rate limit. */
  rateLimitPerSecond?: number | null;
  maxInFlight?: number;
  ordering?: "none" | "fifo";
};

export async function updateEndpoint(opts: {
  orgId: string;
  environment: Environment;
  id: string;
  patch: EndpointPatch;
  fields: EndpointFieldNames;
  ctx: AuditContext;
}) {
  const p = opts.patch;
  const eventTypes = p.eventTypes && uniqueNames(p.eventTypes);
  const urlErrors = await checkUrlField(p.url, opts.environment, opts.fields.url);
  const result = await db.$transaction(async (tx) => {
    await assertEndpointInput(tx, { orgId: opts.orgId, environment: opts.environment, eventTypes, fields: opts.fields, urlErrors });
    let endpoint = await lockEndpoint(tx, opts);
    const urlChanged = p.url !== undefined && p.url !== endpoint.url;

    const data: Prisma.EndpointUpdateInput = {};
    if (p.name !== undefined) data.name = p.name;
    if (p.url !== undefined) data.url = p.url;
    // A new URL on a failing endpoint is probed at once (by the next runCircuitProbes), not after
    // the open circuit's grown interval.
    if (urlChanged && endpoint.circuitOpenedAt) Object.assign(data, { nextProbeAt: new Date(), circuitProbes: 0, probeLeaseUntil: null });
    if (p.description !== undefined) data.description = p.description || null;
    if (eventTypes !== undefined) data.eventTypes = eventTypes;
    if (p.filter !== undefined) data.filter = p.filter;
    if (p.channels !== undefined) data.channels = uniqueNames(p.channels);
    // Custom headers: a masked value keeps the stored one; a legacy plaintext row is encrypted
    // on any write.
    const currentHeaders = openHeaders(endpoint);
    let nextHeaders: Record<string, string> | undefined;
    if (p.headers !== undefined) {
      const r = resolveMaskedHeaders(p.headers, currentHeaders, opts.fields.headers);
      if (r.errors.length) throw new AppError("validation_failed", describeFieldErrors(r.errors), { errors: r.errors });
      nextHeaders = r.headers;
    } else if (!endpoint.headersEncrypted && headerNames(endpoint).length) nextHeaders = currentHeaders;
    if (nextHeaders) Object.assign(data, sealHeaders(nextHeaders));
    if (p.authToken !== undefined) data.authTokenEncrypted = p.authToken ? encrypt(p.authToken) : null;
    if (p.timeoutSeconds !== undefined) data.timeoutSeconds = p.timeoutSeconds;
    if (p.webhookVersion !== undefined) data.webhookVersion = p.webhookVersion;
    if (p.operatorEvents !== undefined) data.operatorEvents = p.operatorEvents;
    if (p.rateLimitPerSecond !== undefined) data.rateLimitPerSecond = p.rateLimitPerSecond;
    if (p.maxInFlight !== undefined) data.maxInFlight = p.maxInFlight;
    if (p.ordering !== undefined) data.ordering = p.ordering;
    // Ordering no longer FIFO: what FIFO was holding goes now (dispatched after commit).
    const fifoReleased = p.ordering === "none" && endpoint.ordering === "fifo" ? await releaseFifoHeld(tx, endpoint.id) : [];
    if (Object.keys(data).length) {
      const before = endpointAuditSnapshot(endpoint);
      const updated = await tx.endpoint.update({ where: { id: endpoint.id }, data });
      const after = endpointAuditSnapshot(updated);
      // Only what changed; a new auth token shows as a change even if "configured" stays true.
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) || (k === "auth_token_configured" && p.authToken),
      );
      // Compared in plaintext: every encryption of a value differs.
      const sorted = (h: Record<string, string>) => JSON.stringify(Object.entries(h).sort());
      const headersChanged = sorted(currentHeaders) !== sorted(nextHeaders ?? currentHeaders);
      if (changed.length || headersChanged) {
        const pick = (s: typeof before) => Object.fromEntries(changed.map((k) => [k, s[k]]));
        await recordAuditEvent(tx, {
          orgId: opts.orgId,
          environment: opts.environment,
          ctx: opts.ctx,
          action: "endpoint.updated",
          target: { type: "endpoint", id: endpoint.id, label: updated.name },
          before: pick(before),
          after: { ...pick(after), ...(headersChanged ? { headers_changed: true } : {}) },
        });
      }
      endpoint = updated;
    }
    if (p.secret !== undefined) {
      endpoint = await applySecretRotation(tx, endpoint, p.secret, { ...opts, graceSeconds: DEFAULT_ROTATION_GRACE_SECONDS });
    }
    let releasedDeliveryIds: string[] = fifoReleased;
    if (p.status !== undefined) {
      let released: string[];
      ({ endpoint, releasedDeliveryIds: released } = await applyEndpointStatus(tx, endpoint, p.status, opts));
      releasedDeliveryIds = [...releasedDeliveryIds, ...released];
    }
    return { endpoint, releasedDeliveryIds, stopSends: urlChanged || p.status === "paused" };
  });
  // A new URL or a pause stops the endpoint's sends in flight in this process (any other send
  // checks the endpoint's state and URL just before it goes).
  if (result.stopSends) abortEndpointSends(result.endpoint.id, "endpoint changed (URL or paused)");
  await dispatchDeliveries(result.releasedDeliveryIds);
  return result;
}
