// Accepts an event: checks its type (known, not archived) and its data (against the type's JSON
// Schema), then stores the event and one Delivery per subscribed endpoint in one transaction:
// `pending` for active endpoints, `held` for paused ones, none for disabled or unsubscribed
// ones. After commit the pending ids go to the delivery dispatcher (lib/events/dispatch.ts).
import { isDeepStrictEqual } from "node:util";
import { AppError, describeFieldErrors, fieldError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { Environment, Event, Prisma } from "@/lib/generated/prisma/client";
import { dispatchDeliveries } from "@/lib/events/dispatch";
import { validatePayload } from "@/lib/events/payload-schema";
import { ensureDefaultEventTypes } from "@/lib/webhooks/event-types";
import { newDeliveryId, newEventId } from "@/lib/webhooks/ids";

export type IngestEventOptions = {
  orgId: string;
  environment: Environment;
  type: string;
  data: Record<string, unknown>;
  /** The client's own id: the same id again returns the stored event and creates nothing. */
  externalId?: string | null;
  /** Hand pending deliveries to the dispatcher after commit (default true). */
  dispatch?: boolean;
  /** Deliver to this endpoint only (a test event sent from its page). */
  onlyEndpointId?: string;
};

export type IngestEventResult = {
  event: Event;
  /** false when `externalId` matched an event stored earlier. */
  created: boolean;
  /** All deliveries of the event (pending + held when just created). */
  deliveryCount: number;
  /** Deliveries created `pending`, in endpoint order; empty when not created. */
  pendingDeliveryIds: string[];
  heldDeliveryIds: string[];
};

async function loadEventType(orgId: string, name: string) {
  const find = () => db.eventType.findUnique({ where: { orgId_name: { orgId, name } }, select: { schema: true, archivedAt: true } });
  let t = await find();
  if (!t) {
    await ensureDefaultEventTypes(orgId);
    t = await find();
  }
  if (!t) throw fieldError("type", `unknown event type "${name}"; create it under Event types first`);
  if (t.archivedAt) throw fieldError("type", `the event type "${name}" is archived`);
  return t;
}

async function existingEvent(opts: IngestEventOptions): Promise<IngestEventResult | null> {
  if (!opts.externalId) return null;
  const event = await db.event.findUnique({
    where: { orgId_environment_idempotencyKey: { orgId: opts.orgId, environment: opts.environment, idempotencyKey: opts.externalId } },
  });
  if (!event) return null;
  if (event.type !== opts.type || !isDeepStrictEqual(event.payload, opts.data)) {
    throw new AppError("conflict", `An event with id "${opts.externalId}" was already sent with a different type or data.`, {
      errors: [{ field: "id", message: "already used for a different event" }],
    });
  }
  const deliveryCount = await db.delivery.count({ where: { eventId: event.id, replayOfId: null } });
  return { event, created: false, deliveryCount, pendingDeliveryIds: [], heldDeliveryIds: [] };
}

export async function ingestEvent(opts: IngestEventOptions): Promise<IngestEventResult> {
  const type = await loadEventType(opts.orgId, opts.type);
  if (type.schema && typeof type.schema === "object" && !Array.isArray(type.schema)) {
    const errors = validatePayload(type.schema as Record<string, unknown>, opts.data);
    if (errors.length) throw new AppError("validation_failed", describeFieldErrors(errors), { errors });
  }
  const seen = await existingEvent(opts);
  if (seen) return seen;

  let result: IngestEventResult;
  try {
    result = await db.$transaction(async (tx) => {
      // FOR SHARE: a concurrent pause/resume (which locks the row FOR UPDATE) finishes first, so
      // a delivery is never created `held` for an endpoint that was just resumed.
      const endpoints = await tx.$queryRaw<{ id: string; status: "active" | "paused" }[]>`
        SELECT id, status::text AS status FROM "Endpoint"
        WHERE "orgId" = ${opts.orgId} AND environment = ${opts.environment}::"Environment"
          AND status IN ('active', 'paused')
          AND "inboundWebhookId" IS NULL
          AND (${opts.onlyEndpointId ?? null}::text IS NULL OR id = ${opts.onlyEndpointId ?? null})
          AND (cardinality("eventTypes") = 0 OR ${opts.type} = ANY("eventTypes"))
        ORDER BY id
        FOR SHARE`;
      const event = await tx.event.create({
        data: {
          id: newEventId(),
          orgId: opts.orgId,
          environment: opts.environment,
          type: opts.type,
          payload: opts.data as Prisma.InputJsonObject,
          idempotencyKey: opts.externalId ?? null,
        },
      });
      const rows = endpoints.map((e) => ({
        id: newDeliveryId(),
        orgId: opts.orgId,
        environment: opts.environment,
        eventId: event.id,
        endpointId: e.id,
        status: e.status === "active" ? ("pending" as const) : ("held" as const),
        createdAt: event.createdAt,
      }));
      if (rows.length) await tx.delivery.createMany({ data: rows });
      return {
        event,
        created: true,
        deliveryCount: rows.length,
        pendingDeliveryIds: rows.filter((r) => r.status === "pending").map((r) => r.id),
        heldDeliveryIds: rows.filter((r) => r.status === "held").map((r) => r.id),
      };
    });
  } catch (err) {
    // Two requests with the same id at once: the loser answers with the winner's event.
    if ((err as { code?: string }).code === "P2002" && opts.externalId) {
      const winner = await existingEvent(opts);
      if (winner) return winner;
    }
    throw err;
  }
  if (opts.dispatch !== false) await dispatchDeliveries(result.pendingDeliveryIds);
  return result;
}
