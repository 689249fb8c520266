// The organization's event-type catalog, one per environment (test mode must never change what
// live events are checked against). Endpoints subscribe to names from their environment's
// catalog; events must name a non-archived type of their environment and match its schema.
import { AppError, type FieldError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db, type Tx } from "@/lib/db/client";
import { Prisma, type Environment } from "@/lib/generated/prisma/client";
import { checkPayloadSchema } from "@/lib/events/payload-schema";
import { GATEHOUSE_EVENT_TYPES } from "@/lib/notifications/gatehouse-event-types";

/** What a new organization starts with, so endpoints and test events work from the first minute. */
export const DEFAULT_EVENT_TYPES: { name: string; description: string; schema?: Record<string, unknown> }[] = [
  {
    name: "run.completed",
    description: "A run finished successfully.",
    schema: {
      type: "object",
      properties: { run_id: { type: "string" }, duration_ms: { type: "integer", minimum: 0 } },
    },
  },
  {
    name: "run.failed",
    description: "A run failed.",
    schema: { type: "object", properties: { run_id: { type: "string" }, error: { type: "string" } } },
  },
  { name: "webhook.test", description: "A test event, sent from the console to check an endpoint." },
];

type Client = Tx | typeof db;

/**
 * Gives an organization's environment the default event types the first time its catalog is
 * used (the catalog never shrinks, types are only archived, so an empty one means "never seeded"),
 * and Gatehouse's own `gatehouse.*` types (lib/notifications) to catalogs made before they existed.
 */
export async function ensureDefaultEventTypes(orgId: string, environment: Environment, client: Client = db): Promise<void> {
  const names = GATEHOUSE_EVENT_TYPES.map((t) => t.name);
  const [all, own] = await Promise.all([
    client.eventType.count({ where: { orgId, environment } }),
    client.eventType.count({ where: { orgId, environment, name: { in: names } } }),
  ]);
  if (own === names.length) return;
  await client.eventType.createMany({
    data: [...(all - own === 0 ? DEFAULT_EVENT_TYPES : []), ...GATEHOUSE_EVENT_TYPES].map((t) => ({
      orgId,
      environment,
      name: t.name,
      description: t.description,
      schema: t.schema ? (t.schema as Prisma.InputJsonValue) : Prisma.DbNull,
    })),
    skipDuplicates: true,
  });
}

export async function listEventTypes(opts: {
  orgId: string;
  environment: Environment;
  archived: "true" | "false" | "all";
  limit: number;
  cursor?: { name: string };
}) {
  await ensureDefaultEventTypes(opts.orgId, opts.environment);
  return db.eventType.findMany({
    where: {
      orgId: opts.orgId,
      environment: opts.environment,
      ...(opts.archived === "all" ? {} : { archivedAt: opts.archived === "true" ? { not: null } : null }),
      ...(opts.cursor ? { name: { gt: opts.cursor.name } } : {}),
    },
    orderBy: { name: "asc" },
    take: opts.limit + 1,
  });
}

export async function getEventType(opts: { orgId: string; environment: Environment; name: string }) {
  await ensureDefaultEventTypes(opts.orgId, opts.environment);
  const t = await db.eventType.findUnique({ where: { orgId_environment_name: { orgId: opts.orgId, environment: opts.environment, name: opts.name } } });
  if (!t) throw new AppError("not_found", `No event type named "${opts.name}".`);
  return t;
}

export async function createEventType(opts: {
  orgId: string;
  environment: Environment;
  name: string;
  description: string;
  schema?: Record<string, unknown> | null;
  ctx: AuditContext;
}) {
  if (opts.schema) {
    const errors = checkPayloadSchema(opts.schema);
    if (errors.length) throw new AppError("validation_failed", `schema: ${errors[0]!.message}`, { errors });
  }
  await ensureDefaultEventTypes(opts.orgId, opts.environment);
  return db.$transaction(async (tx) => {
    const existing = await tx.eventType.findUnique({
      where: { orgId_environment_name: { orgId: opts.orgId, environment: opts.environment, name: opts.name } },
    });
    if (existing) {
      throw new AppError("conflict", `The event type "${opts.name}" already exists${existing.archivedAt ? " (archived; unarchive it instead)" : ""}.`, {
        errors: [{ field: "name", message: "already exists" }],
      });
    }
    const t = await tx.eventType.create({
      data: {
        orgId: opts.orgId,
        environment: opts.environment,
        name: opts.name,
        description: opts.description,
        schema: opts.schema ? (opts.schema as Prisma.InputJsonValue) : Prisma.DbNull,
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: "event_type.created",
      target: { type: "event_type", id: t.id, label: t.name },
      after: { name: t.name, description: t.description, has_schema: t.schema !== null },
    });
    return t;
  });
}

/** Archived types stay subscribed where they were, but new events and subscriptions refuse them. */
export async function setEventTypeArchived(opts: {
  orgId: string;
  environment: Environment;
  name: string;
  archived: boolean;
  ctx: AuditContext;
}) {
  await ensureDefaultEventTypes(opts.orgId, opts.environment);
  return db.$transaction(async (tx) => {
    const t = await tx.eventType.findUnique({
      where: { orgId_environment_name: { orgId: opts.orgId, environment: opts.environment, name: opts.name } },
    });
    if (!t) throw new AppError("not_found", `No event type named "${opts.name}".`);
    if ((t.archivedAt !== null) === opts.archived) return t;
    const updated = await tx.eventType.update({ where: { id: t.id }, data: { archivedAt: opts.archived ? new Date() : null } });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: opts.archived ? "event_type.archived" : "event_type.unarchived",
      target: { type: "event_type", id: t.id, label: t.name },
      before: { archived: !opts.archived },
      after: { archived: opts.archived },
    });
    return updated;
  });
}

/** Field errors for names that are not known, non-archived event types (`field[i]`). */
export async function checkSubscribableEventTypes(
  client: Client,
  orgId: string,
  environment: Environment,
  names: string[],
  field: string,
): Promise<FieldError[]> {
  if (!names.length) return [];
  await ensureDefaultEventTypes(orgId, environment, client);
  const found = await client.eventType.findMany({
    where: { orgId, environment, name: { in: names } },
    select: { name: true, archivedAt: true },
  });
  const byName = new Map(found.map((t) => [t.name, t]));
  const errors: FieldError[] = [];
  names.forEach((n, i) => {
    const t = byName.get(n);
    if (!t) errors.push({ field: `${field}[${i}]`, message: `unknown event type "${n}"; create it under Event types first` });
    else if (t.archivedAt) errors.push({ field: `${field}[${i}]`, message: `the event type "${n}" is archived` });
  });
  return errors;
}
