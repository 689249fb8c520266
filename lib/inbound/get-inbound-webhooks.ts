// Reading incoming webhooks and their messages, scoped to one organization and environment.
import { AppError } from "@/lib/api/errors";
import { db, type Tx } from "@/lib/db/client";
import type { Environment, InboundOutcome, InboundStatus, Prisma } from "@/lib/generated/prisma/client";

type Scoped = { orgId: string; environment: Environment };
type Cursor = { at: string; id: string };

export const withForward = { forwardEndpoint: { select: { id: true, url: true, rateLimitPerSecond: true, maxInFlight: true } } } as const;

export async function findInboundWebhook(client: Tx | typeof db, s: Scoped & { id: string }) {
  const w = await client.inboundWebhook.findFirst({ where: { id: s.id, orgId: s.orgId, environment: s.environment }, include: withForward });
  if (!w) throw new AppError("not_found", "No such incoming webhook in this environment.");
  return w;
}

/** Inside a transaction: the webhook, its row locked until the transaction ends. */
export async function lockInboundWebhook(tx: Tx, s: Scoped & { id: string }) {
  await tx.$queryRaw`SELECT id FROM "InboundWebhook" WHERE id = ${s.id} FOR UPDATE`;
  return findInboundWebhook(tx, s);
}

/** When each webhook last received a message (computed, so receiving writes one row only). */
export async function lastReceivedAt(ids: string[]): Promise<Map<string, Date>> {
  if (!ids.length) return new Map();
  const rows = await db.inboundMessage.groupBy({ by: ["webhookId"], where: { webhookId: { in: ids } }, _max: { receivedAt: true } });
  return new Map(rows.filter((r) => r._max.receivedAt).map((r) => [r.webhookId, r._max.receivedAt!]));
}

export function listInboundWebhooks(s: Scoped & { limit: number; status?: InboundStatus; cursor?: Cursor }) {
  return db.inboundWebhook.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      ...(s.status ? { status: s.status } : {}),
      ...(s.cursor
        ? { OR: [{ createdAt: { lt: new Date(s.cursor.at) } }, { createdAt: new Date(s.cursor.at), id: { lt: s.cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
    include: withForward,
  });
}

const messageInclude = {
  // Which token a message carried is told against the webhook's current and previous tokens.
  webhook: { select: { tokenLast4: true, previousTokenLast4: true } },
  event: {
    select: {
      deliveries: {
        orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }],
        take: 50,
        include: { endpoint: { select: { name: true } } },
      },
    },
  },
} satisfies Prisma.InboundMessageInclude;

/** Newest first. `failed` also matches forwarded messages none of whose forwards succeeded and one of which failed. */
export async function listInboundMessages(s: Scoped & { webhookId: string; limit: number; outcome?: InboundOutcome; cursor?: Cursor }) {
  await findInboundWebhook(db, { ...s, id: s.webhookId });
  let outcome: Prisma.InboundMessageWhereInput = {};
  if (s.outcome === "failed") {
    outcome = {
      OR: [
        { outcome: "failed" },
        { outcome: "forwarded", event: { deliveries: { some: { status: "failed" }, none: { status: "succeeded" } } } },
      ],
    };
  } else if (s.outcome) {
    outcome = { outcome: s.outcome };
  }
  return db.inboundMessage.findMany({
    where: {
      webhookId: s.webhookId,
      AND: [
        outcome,
        s.cursor
          ? { OR: [{ receivedAt: { lt: new Date(s.cursor.at) } }, { receivedAt: new Date(s.cursor.at), id: { lt: s.cursor.id } }] }
          : {},
      ],
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
    include: messageInclude,
  });
}

export async function getInboundMessage(s: Scoped & { webhookId: string; id: string }) {
  const m = await db.inboundMessage.findFirst({
    where: { id: s.id, webhookId: s.webhookId, orgId: s.orgId, environment: s.environment },
    include: messageInclude,
  });
  if (!m) throw new AppError("not_found", "No such message for this webhook.");
  return m;
}
