// Edits an event type's description and JSON schema (audited). A new schema is checked as on
// create, and against the type's most recent events (its real examples): the answer says which
// of them the new schema would refuse, so an admin sees what a stricter schema breaks before
// senders do. `checkOnly` answers that without changing anything.
import type { FieldError } from "@/lib/api/errors";
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/client";
import { checkPayloadSchema, validatePayload } from "@/lib/events/payload-schema";
import { Prisma, type Environment } from "@/lib/generated/prisma/client";
import { ensureDefaultEventTypes } from "@/lib/webhooks/event-types";

/** How many of the newest events of the type are checked against a new schema. */
export const EXAMPLES_CHECKED = 20;

export type ExampleCheck = { checked: number; failing: { event_id: string; errors: FieldError[] }[] };

async function checkExamples(opts: { orgId: string; environment: Environment; name: string; schema: Record<string, unknown> | null }): Promise<ExampleCheck> {
  const events = await db.event.findMany({
    where: { orgId: opts.orgId, environment: opts.environment, type: opts.name },
    orderBy: { createdAt: "desc" },
    take: EXAMPLES_CHECKED,
    select: { id: true, payload: true },
  });
  const failing = opts.schema
    ? events
        .map((e) => ({ event_id: e.id, errors: validatePayload(opts.schema!, e.payload).slice(0, 5) }))
        .filter((r) => r.errors.length > 0)
    : [];
  return { checked: events.length, failing };
}

export async function updateEventType(opts: {
  orgId: string;
  environment: Environment;
  name: string;
  description?: string;
  /** undefined: keep; null: remove the schema. */
  schema?: Record<string, unknown> | null;
  checkOnly?: boolean;
  ctx: AuditContext;
}) {
  if (opts.schema) {
    const errors = checkPayloadSchema(opts.schema);
    if (errors.length) throw new AppError("validation_failed", `schema: ${errors[0]!.message}`, { errors });
  }
  await ensureDefaultEventTypes(opts.orgId, opts.environment);
  const where = { orgId_environment_name: { orgId: opts.orgId, environment: opts.environment, name: opts.name } };
  const current = await db.eventType.findUnique({ where });
  if (!current) throw new AppError("not_found", `No event type named "${opts.name}".`);
  const examples =
    opts.schema !== undefined
      ? await checkExamples({ ...opts, schema: opts.schema })
      : { checked: 0, failing: [] };
  if (opts.checkOnly) return { eventType: current, examples };

  const eventType = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "EventType" WHERE id = ${current.id} FOR UPDATE`;
    const t = await tx.eventType.findUniqueOrThrow({ where: { id: current.id } });
    const updated = await tx.eventType.update({
      where: { id: t.id },
      data: {
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.schema !== undefined ? { schema: opts.schema ? (opts.schema as Prisma.InputJsonValue) : Prisma.DbNull } : {}),
      },
    });
    const schemaChanged = JSON.stringify(t.schema) !== JSON.stringify(updated.schema);
    if (schemaChanged || t.description !== updated.description) {
      await recordAuditEvent(tx, {
        orgId: opts.orgId,
        environment: opts.environment,
        ctx: opts.ctx,
        action: "event_type.updated",
        target: { type: "event_type", id: t.id, label: t.name },
        before: { description: t.description, ...(schemaChanged ? { schema: t.schema } : {}) },
        after: {
          description: updated.description,
          ...(schemaChanged ? { schema: updated.schema, examples_checked: examples.checked, examples_failing: examples.failing.length } : {}),
        },
      });
    }
    return updated;
  });
  return { eventType, examples };
}
