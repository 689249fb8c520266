// Creates an outgoing endpoint. The signing secret is returned here and never again.
import type { AuditContext } from "@/lib/audit/record-audit-event";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { encrypt } from "@/lib/crypto/encryption";
import { AppError } from "@/lib/api/errors";
import { db, type Tx } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { resolveMaskedHeaders, sealHeaders } from "@/lib/webhooks/custom-headers";
import { assertEndpointInput, checkUrlField, uniqueNames, type EndpointFieldNames } from "@/lib/webhooks/endpoint-input";
import { newEndpointId } from "@/lib/webhooks/ids";
import { generateSigningSecret } from "@/lib/webhooks/signing-secret";
import { endpointAuditSnapshot } from "@/lib/webhooks/views";
import { DEFAULT_WEBHOOK_VERSION } from "@/lib/validations/webhooks";

export type CreateEndpointOptions = {
  orgId: string;
  environment: Environment;
  name: string;
  url: string;
  description?: string | null;
  /** Subscribed event types; empty means all. */
  eventTypes: string[];
  /** A `whsec_…` secret to use; generated when absent. */
  secret?: string;
  headers?: Record<string, string>;
  authToken?: string | null;
  timeoutSeconds?: number;
  /** false creates the endpoint paused. */
  active?: boolean;
  webhookVersion?: string;
  /** An operator endpoint: receives Gatehouse's own `gatehouse.*` events (lib/notifications). */
  operatorEvents?: boolean;
  /** Payload filter (checked by the caller's schema); null or absent: none. */
  filter?: string | null;
  /** Subscribed channels; empty: any. */
  channels?: string[];
  /** The throttle (lib/deliveries/endpoint-throttle.ts): null or absent means no rate limit. */
  rateLimitPerSecond?: number | null;
  maxInFlight?: number;
  ordering?: "none" | "fifo";
  /** How the caller's wire shape names the fields, for error messages. */
  fields: EndpointFieldNames;
  ctx: AuditContext;
};

/** Endpoints one organization may have per environment (GATEHOUSE_MAX_ENDPOINTS, default 250). */
export function maxEndpoints(): number {
  const n = Number(process.env.GATEHOUSE_MAX_ENDPOINTS || 250);
  return Number.isInteger(n) && n > 0 ? n : 250;
}

/**
 * Every endpoint costs deliveries, attempts and executor slots on each event: one org cannot
 * add them without bound. The org's row is locked so that concurrent creates count each other.
 */
async function assertEndpointQuota(tx: Tx, orgId: string, environment: Environment): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
  const max = maxEndpoints();
  const count = await tx.endpoint.count({ where: { orgId, environment, inboundWebhookId: null } });
  if (count >= max) {
    throw new AppError(
      "conflict",
      `This environment already has ${count} endpoints, the most an organization may have (${max}). Delete one you no longer use; the operator can raise the limit (GATEHOUSE_MAX_ENDPOINTS).`,
    );
  }
}

export async function createEndpoint(opts: CreateEndpointOptions) {
  const secret = opts.secret ?? generateSigningSecret();
  const eventTypes = uniqueNames(opts.eventTypes);
  // A masked value ("unchanged") has nothing to keep on a new endpoint.
  const headers = resolveMaskedHeaders(opts.headers ?? {}, {}, opts.fields.headers);
  const inputErrors = [...(await checkUrlField(opts.url, opts.environment, opts.fields.url)), ...headers.errors];
  const endpoint = await db.$transaction(async (tx) => {
    await assertEndpointInput(tx, { orgId: opts.orgId, environment: opts.environment, eventTypes, fields: opts.fields, urlErrors: inputErrors });
    await assertEndpointQuota(tx, opts.orgId, opts.environment);
    const active = opts.active ?? true;
    const e = await tx.endpoint.create({
      data: {
        id: newEndpointId(),
        orgId: opts.orgId,
        environment: opts.environment,
        name: opts.name,
        url: opts.url,
        description: opts.description || null,
        eventTypes,
        filter: opts.filter ?? null,
        channels: uniqueNames(opts.channels ?? []),
        secretEncrypted: encrypt(secret),
        ...sealHeaders(headers.headers),
        authTokenEncrypted: opts.authToken ? encrypt(opts.authToken) : null,
        timeoutSeconds: opts.timeoutSeconds ?? 10,
        status: active ? "active" : "paused",
        pausedAt: active ? null : new Date(),
        webhookVersion: opts.webhookVersion ?? DEFAULT_WEBHOOK_VERSION,
        operatorEvents: opts.operatorEvents ?? false,
        rateLimitPerSecond: opts.rateLimitPerSecond ?? null,
        maxInFlight: opts.maxInFlight ?? 10,
        ordering: opts.ordering ?? "none",
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "endpoint.created",
      target: { type: "endpoint", id: e.id, label: e.name },
      after: endpointAuditSnapshot(e),
    });
    return e;
  });
  return { endpoint, secret };
}
