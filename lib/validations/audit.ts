import { z } from "zod";
import { decodeAuditCursor } from "@/lib/audit/audit-cursor";

const environmentSchema = z.enum(["test", "live"]);

export const auditEventSchema = z
  .object({
    id: z.string().describe("Unique identifier of the audit event"),
    seq: z.string().describe("Position in the audit log (a decimal integer as a string); increases with every event"),
    action: z.string().describe('What happened, as `<resource>.<verb>`, e.g. "credential.revoked"'),
    actor: z
      .object({
        type: z.enum(["user", "credential", "system"]).describe("Kind of actor: a console user, an API credential, or Gatehouse itself"),
        id: z.string().nullable().describe("Identifier of the user or credential; null for the system"),
        label: z.string().describe("Human-readable actor, e.g. an email address or a credential name"),
      })
      .describe("Who did it"),
    target: z
      .object({
        type: z.string().describe('Kind of object acted on, e.g. "credential", "endpoint", "member"'),
        id: z.string().nullable().describe("Identifier of the object acted on"),
        label: z.string().nullable().describe("Human-readable name of the object at the time"),
      })
      .nullable()
      .describe("What it was done to; null for organization-wide actions"),
    environment: environmentSchema.nullable().describe("Environment the action applied to; null for organization-wide actions"),
    ip: z.string().nullable().describe("IP address the request came from"),
    user_agent: z.string().nullable().describe("User-Agent of the request"),
    before: z.unknown().describe("State of the target before the change, secrets redacted; null when not applicable"),
    after: z.unknown().describe("State of the target after the change, secrets redacted; null when not applicable"),
    created_at: z.iso.datetime().describe("When it happened (ISO 8601, UTC)"),
    hash: z.string().describe("HMAC-SHA256 (hex, keyed with a key the database does not hold; plain SHA-256 for events written before keying) over prev_hash and this event's content"),
    prev_hash: z.string().nullable().describe("Hash of the organization's previous audit event; null for the first"),
  })
  .meta({ id: "AuditEvent" })
  .describe("One entry of the organization's append-only, hash-chained audit log");
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditEventListResponseSchema = z
  .object({
    data: z.array(auditEventSchema).describe("Audit events, newest first"),
    next_cursor: z.string().nullable().describe("Pass as `cursor` to get the next page; null on the last page"),
  })
  .describe("A page of audit events");
export type AuditEventListResponse = z.infer<typeof auditEventListResponseSchema>;

export const auditChainVerificationSchema = z
  .object({
    ok: z.boolean().describe("Whether every event's hash and link to its predecessor are intact"),
    count: z.number().int().describe("Events verified intact, oldest first, before the first broken one"),
    first_broken: z
      .object({
        id: z.string().describe("The first event that fails verification"),
        seq: z.string().describe("Its position in the log"),
        reason: z
          .enum(["hash_mismatch", "prev_mismatch", "unkeyed_after_keyed"])
          .describe(
            "hash_mismatch: its content was changed; prev_mismatch: an event before it was removed, inserted or reordered; unkeyed_after_keyed: it claims the old unkeyed hash after keyed events (a forgery)",
          ),
      })
      .nullable()
      .describe("Null when the chain is intact"),
    head: z
      .object({
        seq: z.string().describe("Position of the newest event"),
        hash: z.string().describe("Its hash; note it down to detect later removal of the newest events"),
      })
      .nullable()
      .describe("The newest event when the chain is intact; null when it is broken or empty"),
    unkeyed_count: z
      .number()
      .int()
      .describe("Verified events hashed without the audit key (written before the chain was keyed); they come first"),
  })
  .describe("Result of recomputing the audit log's hash chain");
export type AuditChainVerificationView = z.infer<typeof auditChainVerificationSchema>;

const isoDateTime = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s));

const auditFilterShape = {
  actor: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Only events whose actor label or id contains this text (case-insensitive)"),
  caused_by_credential: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Only changes made with this credential's access tokens (its id, exact): what the credential caused"),
  action: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9_.-]+$/, "Use an action like credential.revoked, or a prefix like credential.")
    .optional()
    .describe('Only this action ("credential.revoked"), or every action under a prefix ending in a dot ("member.")'),
  target_id: z.string().trim().min(1).max(200).optional().describe("Only events about this object"),
  from: isoDateTime.optional().describe("Only events at or after this time (ISO 8601 with offset)"),
  to: isoDateTime.optional().describe("Only events at or before this time (ISO 8601 with offset)"),
  environment: environmentSchema
    .optional()
    .describe("Only events in this environment (organization-wide events have none and are then left out)"),
};

function fromBeforeTo(q: { from?: Date; to?: Date }, ctx: z.RefinementCtx) {
  if (q.from && q.to && q.from > q.to) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "`to` must not be before `from`" });
  }
}

export const auditEventListQuerySchema = z
  .strictObject({
    ...auditFilterShape,
    limit: z.coerce.number().int().min(1).max(100).default(50).describe("Page size, 1 to 100 (default 50)"),
    cursor: z
      .string()
      .refine((c) => decodeAuditCursor(c) !== null, "Invalid cursor")
      .optional()
      .describe("`next_cursor` from the previous page"),
  })
  .superRefine(fromBeforeTo)
  .describe("Filters and paging for the audit log");
export type AuditEventListQuery = z.infer<typeof auditEventListQuerySchema>;
export type AuditEventListQueryInput = z.input<typeof auditEventListQuerySchema>;

export const auditExportQuerySchema = z
  .strictObject({
    ...auditFilterShape,
    format: z.enum(["csv", "json"]).default("csv").describe("csv (one row per event) or json (an array of events)"),
  })
  .superRefine(fromBeforeTo)
  .describe("Filters and format for an audit log export");
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
export type AuditExportQueryInput = z.input<typeof auditExportQuerySchema>;

// ---- signed checkpoints of the chain's head ----

export const auditCheckpointSchema = z
  .strictObject({
    version: z.literal(1).describe("Checkpoint format version"),
    org_id: z.string().min(1).max(200).describe("The organization whose audit chain this is"),
    seq: z.string().regex(/^\d{1,19}$/).nullable().describe("Position of the newest event at the time; null for an empty log"),
    id: z.string().max(200).nullable().describe("Id of that event"),
    hash: z.string().regex(/^[0-9a-f]{64}$/).nullable().describe("Its hash (the head of the chain)"),
    count: z.number().int().min(0).describe("Events in the chain up to and including it"),
    created_at: z.iso.datetime().describe("When the checkpoint was made"),
    key_id: z.string().regex(/^[0-9a-f]{16}$/).describe("Which signing key made the signature (first 16 hex of SHA-256 of the public key)"),
    algorithm: z.literal("Ed25519"),
    public_key: z.string().max(100).describe("The Ed25519 public key (base64url, raw 32 bytes), to check the signature offline"),
    signature: z
      .string()
      .max(200)
      .describe("Ed25519 signature (base64url) over the canonical JSON (sorted keys, no spaces) of every other field except public_key"),
  })
  .meta({ id: "AuditCheckpoint" })
  .describe(
    "A signed record of the audit chain's head. Keep it outside Gatehouse (a ticket, a log archive); verifying it later shows whether events up to it were removed or rewritten",
  );
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

export const auditCheckpointVerificationSchema = z
  .object({
    ok: z.boolean().describe("The signature is valid, the chain is intact, and every event up to the checkpoint is still there"),
    signature_valid: z.boolean().describe("The checkpoint was signed by this Gatehouse and not changed since"),
    problem: z
      .enum(["bad_signature", "other_organization", "chain_broken", "head_missing", "count_mismatch"])
      .nullable()
      .describe(
        "bad_signature: not signed by this Gatehouse's key, or edited; other_organization: made for another organization; chain_broken: the chain fails verification (see chain); head_missing: the checkpoint's newest event is gone or different (newer events were removed, or rows rewritten); count_mismatch: events up to it were removed",
      ),
    events_since_checkpoint: z.number().int().nullable().describe("Events appended after the checkpoint; null when not ok"),
    chain: auditChainVerificationSchema,
  })
  .describe("Result of checking a checkpoint against the current audit log");
export type AuditCheckpointVerificationView = z.infer<typeof auditCheckpointVerificationSchema>;
