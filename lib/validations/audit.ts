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
    hash: z.string().describe("SHA-256 (hex) over prev_hash and this event's content"),
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
          .enum(["hash_mismatch", "prev_mismatch"])
          .describe("hash_mismatch: its content was changed; prev_mismatch: an event before it was removed, inserted or reordered"),
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
  .object({
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
  .object({
    ...auditFilterShape,
    format: z.enum(["csv", "json"]).default("csv").describe("csv (one row per event) or json (an array of events)"),
  })
  .superRefine(fromBeforeTo)
  .describe("Filters and format for an audit log export");
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
export type AuditExportQueryInput = z.input<typeof auditExportQuerySchema>;
