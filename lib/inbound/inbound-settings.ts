// Shared by create and update: the checks that need DNS or the database, the verification
// secret, and the hidden endpoint that carries a forward handler's relays.
import { AppError, describeFieldErrors, type FieldError } from "@/lib/api/errors";
import { encrypt } from "@/lib/crypto/encryption";
import type { Tx } from "@/lib/db/client";
import type { Endpoint, Environment, InboundVerification } from "@/lib/generated/prisma/client";
import { generateSecret } from "@/lib/credentials/secret-format";
import { sha256 } from "@/lib/credentials/hash";
import { generateHmacSecret } from "@/lib/inbound/signatures";
import { checkUrlField } from "@/lib/webhooks/endpoint-input";
import { checkSubscribableEventTypes } from "@/lib/webhooks/event-types";
import { newEndpointId } from "@/lib/webhooks/ids";
import { generateSigningSecret } from "@/lib/webhooks/signing-secret";
import { DEFAULT_WEBHOOK_VERSION } from "@/lib/validations/webhooks";
import { INBOUND_SENDERS } from "@/lib/validations/inbound";

/** A new integration token and what is stored of it. */
export function newInboundToken(environment: Environment) {
  const token = generateSecret("inboundToken", environment);
  return { token, tokenHash: sha256(token), tokenLast4: token.slice(-4) };
}

/** URL policy (DNS) for forward_url; run before the transaction. */
export function checkForwardUrl(url: string | null | undefined, environment: Environment): Promise<FieldError[]> {
  return checkUrlField(url ?? undefined, environment, "forward_url");
}

/** Inside the transaction: the event type exists and is not archived; with the URL errors, one 422. */
export async function assertInboundInput(
  tx: Tx,
  opts: { orgId: string; environment: Environment; eventType?: string | null; urlErrors: FieldError[] },
) {
  const typeErrors = opts.eventType
    ? (await checkSubscribableEventTypes(tx, opts.orgId, opts.environment, [opts.eventType], "event_type")).map((e) => ({ ...e, field: "event_type" }))
    : [];
  const errors = [...opts.urlErrors, ...typeErrors];
  if (errors.length) throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
}

/**
 * The encrypted secret for a verification mode; generated (and returned) when not given, except
 * for senders that issue their own (Stripe, Shopify, Slack): those stay unset until pasted in.
 */
export function verificationSecret(mode: InboundVerification, given: string | undefined) {
  if (mode === "none") return { encrypted: null, generated: undefined };
  if (given === undefined && INBOUND_SENDERS[mode].secret === "sender") return { encrypted: null, generated: undefined };
  const secret = given ?? (mode === "standard_webhooks" ? generateSigningSecret() : generateHmacSecret());
  return { encrypted: encrypt(secret), generated: given === undefined ? secret : undefined };
}

/** The forward endpoint's throttle (lib/deliveries/endpoint-throttle.ts): left out, unchanged. */
export type ForwardThrottle = { rateLimitPerSecond?: number | null; maxInFlight?: number };

/**
 * Points the webhook's forward endpoint at `url`, creating it on first use (its signing secret
 * is returned then, once). The endpoint is an ordinary Endpoint row marked with
 * inboundWebhookId, so forwards get the delivery engine's signing, retries, attempt log and replay.
 */
export async function upsertForwardEndpoint(
  tx: Tx,
  w: { id: string; orgId: string; environment: Environment; name: string },
  url: string,
  existing: Pick<Endpoint, "id" | "url" | "status"> | null | undefined,
  throttle: ForwardThrottle = {},
): Promise<{ endpoint: Endpoint; secret?: string }> {
  const limits = {
    ...(throttle.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: throttle.rateLimitPerSecond } : {}),
    ...(throttle.maxInFlight !== undefined ? { maxInFlight: throttle.maxInFlight } : {}),
  };
  if (existing) {
    const endpoint = await tx.endpoint.update({
      where: { id: existing.id },
      // A new URL revives an endpoint the delivery engine disabled after a 410.
      data: {
        url,
        name: `Forward: ${w.name}`,
        ...limits,
        ...(existing.status === "disabled" && url !== existing.url ? { status: "active", disabledAt: null, disabledReason: null } : {}),
      },
    });
    return { endpoint };
  }
  const secret = generateSigningSecret();
  const endpoint = await tx.endpoint.create({
    data: {
      id: newEndpointId(),
      orgId: w.orgId,
      environment: w.environment,
      name: `Forward: ${w.name}`,
      url,
      eventTypes: [],
      secretEncrypted: encrypt(secret),
      webhookVersion: DEFAULT_WEBHOOK_VERSION,
      inboundWebhookId: w.id,
      ...limits,
    },
  });
  return { endpoint, secret };
}
