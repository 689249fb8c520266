// One endpoint row, two wire shapes: /api/v1/endpoints (reference 004) and /api/v1/webhooks
// (reference 001). Neither ever includes the signing secret, the auth token or a custom header's value.
import type { Endpoint, EventType } from "@/lib/generated/prisma/client";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import { headerNames, maskedHeaders } from "@/lib/webhooks/custom-headers";
import { getEndpointHealth } from "@/lib/webhooks/endpoint-health";
import type { EndpointHealthView, EndpointView, EventTypeView, WebhookView } from "@/lib/validations/webhooks";

const iso = (d: Date | null) => (d ? d.toISOString() : null);


/** `health` from getEndpointsHealth (lib/webhooks/endpoint-health.ts). */
export function endpointView(e: Endpoint, health: EndpointHealthView): EndpointView {
  const rotating = e.previousSecretEncrypted && e.previousSecretUntil && e.previousSecretUntil > new Date();
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    filter: e.filter,
    channels: e.channels ?? [],
    headers_json: maskedHeaders(e), // values are write-only
    timeout_seconds: e.timeoutSeconds,
    rate_limit_per_second: e.rateLimitPerSecond,
    max_in_flight: e.maxInFlight,
    ordering: e.ordering,
    status: e.status === "active" ? "ACTIVE" : e.status === "paused" ? "PAUSED" : "DISABLED",
    paused_at: iso(e.pausedAt),
    disabled_reason: e.status === "disabled" ? e.disabledReason : null,
    auth_token_configured: e.authTokenEncrypted !== null,
    webhook_version: e.webhookVersion,
    environment: e.environment,
    previous_secret_expires_at: rotating ? iso(e.previousSecretUntil) : null,
    secret_rotated_at: iso(e.secretRotatedAt),
    older_secrets_expire_at: liveGraceSecrets(e.olderSecrets).map((s) => new Date(s.until).toISOString()),
    consecutive_failures: e.consecutiveFailures,
    operator_events: e.operatorEvents,
    health,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

/** endpointView with the endpoint's health read now. */
export async function endpointViewWithHealth(e: Endpoint): Promise<EndpointView> {
  return endpointView(e, await getEndpointHealth(e));
}

export function webhookView(e: Endpoint): WebhookView {
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    environment: e.environment,
    events: e.eventTypes,
    description: e.description,
    active: e.status === "active",
    status: e.status,
    auth_token_configured: e.authTokenEncrypted !== null,
    webhook_version: e.webhookVersion,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function eventTypeView(t: EventType): EventTypeView {
  return {
    name: t.name,
    environment: t.environment,
    description: t.description,
    schema: (t.schema as Record<string, unknown> | null) ?? null,
    archived: t.archivedAt !== null,
    archived_at: iso(t.archivedAt),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/** What an audit entry may show of an endpoint: no secrets, and header names without values. */
export function endpointAuditSnapshot(e: Endpoint) {
  return {
    name: e.name,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    filter: e.filter,
    channels: e.channels ?? [],
    header_names: headerNames(e),
    timeout_seconds: e.timeoutSeconds,
    rate_limit_per_second: e.rateLimitPerSecond,
    max_in_flight: e.maxInFlight,
    ordering: e.ordering,
    status: e.status,
    auth_token_configured: e.authTokenEncrypted !== null,
    webhook_version: e.webhookVersion,
    operator_events: e.operatorEvents,
  };
}
