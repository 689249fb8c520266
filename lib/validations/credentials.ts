import { z } from "zod";
import { SCOPE_NAME_RE } from "@/lib/credentials/scopes";
import { eventDeliverySummarySchema, eventSchema } from "@/lib/validations/events";
import { auditEventSchema } from "@/lib/validations/audit";

export const scopeNameSchema = z
  .string()
  .regex(SCOPE_NAME_RE, "lowercase letters, digits, _ . - and at most one colon, like `reports:read`")
  .describe("Scope name");

function quotaField(per: "hour" | "day") {
  return z
    .number()
    .int()
    .min(1, "at least 1")
    .max(1_000_000, "at most 1,000,000")
    .nullish()
    .describe(`Issuance quota: at most this many access tokens per UTC ${per} (429 + Retry-After past it); null for no quota`);
}

export const createCredentialSchema = z.strictObject({
  name: z.string().trim().min(1, "Enter a name").max(80, "Use at most 80 characters").describe("What the credential is for"),
  scopes: z.array(scopeNameSchema).min(1, "Pick at least one scope").max(50).describe("Scopes tokens may carry"),
  expires_at: z.iso
    .datetime({ offset: true })
    .nullish()
    .describe("When the credential stops working (ISO 8601); null for never")
    .refine((v) => !v || new Date(v).getTime() > Date.now(), "must be in the future"),
  token_lifetime_seconds: z
    .number()
    .int()
    .min(300, "at least 5 minutes (300)")
    .max(86400, "at most 24 hours (86400)")
    .default(3600)
    .describe("Lifetime of each access token, 300 to 86400 seconds (default 3600)"),
  tokens_per_hour: quotaField("hour"),
  tokens_per_day: quotaField("day"),
});
export type CreateCredentialInput = z.input<typeof createCredentialSchema>;

export const updateCredentialSchema = z.strictObject({
  name: createCredentialSchema.shape.name.optional(),
  scopes: z
    .array(scopeNameSchema)
    .min(1, "Pick at least one scope")
    .max(50)
    .optional()
    .describe("Scopes new tokens may carry; tokens already issued keep theirs until they expire"),
  expires_at: z.iso
    .datetime({ offset: true })
    .nullish()
    .describe("When the credential stops working (ISO 8601); null for never; left out: unchanged")
    .refine((v) => !v || new Date(v).getTime() > Date.now(), "must be in the future"),
  tokens_per_hour: quotaField("hour"),
  tokens_per_day: quotaField("day"),
  keys_only: z
    .boolean()
    .optional()
    .describe("true: refuse the client secret (client_secret_basic/post answer invalid_client); only private_key_jwt assertions authenticate. Needs a registered public key (client-keys)"),
});
export type UpdateCredentialInput = z.input<typeof updateCredentialSchema>;

/** POST /api/v1/credentials/{id}/client-keys: the public keys for private_key_jwt (one of the two). */
export const setClientKeysSchema = z
  .strictObject({
    jwks: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The client\'s public keys: a JWKS ({"keys": [...]}, at most 10 RSA ≥ 2048-bit, EC or OKP keys) or one JWK. Never a private key'),
    jwks_url: z
      .string()
      .max(2048)
      .optional()
      .describe("A URL serving the client's JWKS (https in live; private addresses refused): fetched now to check it, then at most every 5 minutes"),
  })
  .refine((v) => (v.jwks === undefined) !== (v.jwks_url === undefined), { path: ["jwks"], message: "give either jwks or jwks_url" });

export const clientKeysSchema = z
  .object({
    jwks_url: z.string().nullable().describe("Where the keys are fetched from (null: registered as a JWKS)"),
    keys: z.array(z.object({ kid: z.string().nullable(), kty: z.string(), alg: z.string().nullable(), crv: z.string().nullable() })),
    fetched_at: z.string().nullable().describe("When the keys were last fetched from jwks_url"),
  })
  .describe("Public keys registered for private_key_jwt client authentication (RFC 7523)");

export const regenerateSecretSchema = z
  .strictObject({
    grace_period_seconds: z
      .union([z.literal(0), z.literal(3600), z.literal(86400)])
      .default(0)
      .describe("How long the old secret keeps working: 0 (stops now), 3600 or 86400"),
    end_grace_when_unused_hours: z
      .number()
      .int()
      .min(1, "at least 1 hour")
      .max(168, "at most 168 hours (7 days)")
      .nullish()
      .describe("End the grace period early once the old secret has not been used for this many hours (checked every ten minutes)"),
  })
  .refine((v) => !v.end_grace_when_unused_hours || v.grace_period_seconds > 0, {
    path: ["end_grace_when_unused_hours"],
    message: "needs a grace period",
  });

export const secretUsageSchema = z.object({
  secret: z
    .enum(["current", "previous", "older", "key"])
    .describe("What authenticated the exchanges: current: the newest secret; previous: the one before it (grace period); older: an earlier one still in its grace period; key: a registered public key (private_key_jwt)"),
  method: z.enum(["client_secret", "private_key_jwt"]).describe("client_secret: client_secret_basic or client_secret_post; private_key_jwt: a signed assertion (RFC 7523)"),
  key_id: z.string().nullable().describe("For a key: its kid, or its RFC 7638 thumbprint when it has none; null for a secret"),
  secret_last4: z.string().nullable().describe("Last four characters of the secret, when known"),
  valid_until: z.string().nullable().describe("When the secret stops working (null: the current secret)"),
  last_used_at: z.string().nullable().describe("The last token exchange it authenticated"),
  last_used_from: z.string().nullable().describe("The client address of that exchange"),
  exchanges_last_hour: z.number().int().describe("Token exchanges it authenticated in the last hour (ten-minute resolution)"),
  exchanges_last_day: z.number().int().describe("Token exchanges it authenticated in the last 24 hours (ten-minute resolution)"),
});
export type SecretUsageView = z.infer<typeof secretUsageSchema>;

export const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  client_id: z.string(),
  secret_last4: z.string().describe("Last four characters of the current secret, to tell secrets apart"),
  scopes: z.array(z.string()),
  environment: z.enum(["test", "live"]),
  status: z.enum(["active", "revoked", "expired"]),
  token_lifetime_seconds: z.number(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable().describe("End of the rotation grace period, if one is running"),
  older_secrets_expire_at: z
    .array(z.string())
    .describe("Secrets from earlier regenerations still in their grace period (a regeneration inside a grace period keeps them): when each stops working"),
  grace_ends_when_unused_hours: z
    .number()
    .nullable()
    .describe("The grace period ends early once the old secret has been unused this many hours"),
  tokens_per_hour: z.number().int().nullable().describe("Issuance quota per UTC hour; null: none"),
  tokens_per_day: z.number().int().nullable().describe("Issuance quota per UTC day; null: none"),
  locked_until: z
    .string()
    .nullable()
    .describe("Locked out after repeated wrong secrets until then: no secret works from addresses the credential was never used from (known addresses still work)"),
  failed_exchanges: z.number(),
  last_failed_at: z.string().nullable(),
  keys_only: z.boolean().describe("Secrets are turned off: only private_key_jwt assertions authenticate (client_secret_basic/post answer invalid_client)"),
  client_keys: clientKeysSchema
    .nullable()
    .describe("Public keys for private_key_jwt (the client signs an assertion instead of sending its secret); null: none registered"),
  created_at: z.string(),
});
export type CredentialView = z.infer<typeof credentialSchema>;

export const credentialWithSecretSchema = credentialSchema.extend({
  client_secret: z.string().describe("Shown in this response only"),
});

export const credentialDetailSchema = credentialSchema.extend({
  usage: z.object({ tokens_issued: z.number().int(), active_tokens: z.number().int() }),
  secret_usage: z.array(secretUsageSchema).describe("Each secret that works now, and which token exchanges it authenticated"),
  issued: z
    .object({ this_hour: z.number().int(), today: z.number().int() })
    .describe("Tokens issued in the current UTC hour and day, as the issuance quota counts them"),
  cache_hint: z
    .object({
      address: z.string(),
      exchanges_last_hour: z.number().int(),
      token_lifetime_seconds: z.number().int(),
    })
    .nullable()
    .describe("Set when one address requested far more tokens in the last hour than their lifetime needs: it should cache and reuse them"),
  audit: z
    .array(z.object({ id: z.string(), action: z.string(), actor: z.string(), ip: z.string().nullable(), created_at: z.string() }))
    .describe("The newest 50 audit entries about this credential"),
});

export const scopeSchema = z.object({
  name: z.string(),
  description: z.string(),
  built_in: z.boolean().describe("Built-in scopes guard Gatehouse's own API; the others are the organization's own"),
});

export const createScopeSchema = z.strictObject({
  name: scopeNameSchema,
  description: z.string().trim().min(1, "Describe what the scope allows").max(200),
});

/** GET /api/v1/credentials/{id}/activity: what a credential caused. */
export const credentialActivitySchema = z
  .object({
    credential: z.object({ id: z.string(), name: z.string(), client_id: z.string(), environment: z.enum(["test", "live"]) }),
    events: z.object({
      total: z.number().int().describe("Events posted with this credential's access tokens (kept ones: retention prunes old events)"),
      recent: z.array(eventSchema).describe("The newest ten, each with its provenance"),
    }),
    deliveries: eventDeliverySummarySchema.describe("The deliveries of those events by their current status"),
    changes: z
      .array(auditEventSchema)
      .describe("The newest twenty audit entries whose actor is this credential: changes made with its access tokens"),
    links: z
      .object({ events: z.string(), deliveries: z.string(), audit_events: z.string() })
      .describe("The full lists, filtered by caused_by_credential"),
  })
  .meta({ id: "CredentialActivity" });
export type CredentialActivityView = z.infer<typeof credentialActivitySchema>;
