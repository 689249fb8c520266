// Reading endpoints, scoped to one organization and environment.
import { AppError } from "@/lib/api/errors";
import { paginate } from "@/lib/api/pagination";
import { db, type Tx } from "@/lib/db/client";
import type { EndpointStatus, Environment } from "@/lib/generated/prisma/client";
import { getEndpointsHealth } from "@/lib/webhooks/endpoint-health";
import { endpointView } from "@/lib/webhooks/views";

type Scoped = { orgId: string; environment: Environment };

export async function findEndpoint(client: Tx | typeof db, s: Scoped & { id: string }) {
  // Forward endpoints of incoming webhooks (inboundWebhookId set) are managed through those.
  const e = await client.endpoint.findFirst({ where: { id: s.id, orgId: s.orgId, environment: s.environment, inboundWebhookId: null } });
  if (!e) throw new AppError("not_found", "No such endpoint in this environment.");
  return e;
}

/** Inside a transaction: the endpoint, with its row locked until the transaction ends. */
export async function lockEndpoint(tx: Tx, s: Scoped & { id: string }) {
  await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${s.id} FOR UPDATE`;
  return findEndpoint(tx, s);
}

export function getEndpoint(s: Scoped & { id: string }) {
  return findEndpoint(db, s);
}

export async function listEndpoints(s: Scoped & { limit: number; status?: EndpointStatus; cursor?: { createdAt: string; id: string } }) {
  return db.endpoint.findMany({
    where: {
      orgId: s.orgId,
      environment: s.environment,
      inboundWebhookId: null,
      ...(s.status ? { status: s.status } : {}),
      ...(s.cursor
        ? {
            OR: [
              { createdAt: { lt: new Date(s.cursor.createdAt) } },
              { createdAt: new Date(s.cursor.createdAt), id: { lt: s.cursor.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: s.limit + 1,
  });
}

/** One page of endpoints with their health, as GET /api/v1/endpoints answers it (the Webhooks page's first page too). */
export async function listEndpointViews(s: Parameters<typeof listEndpoints>[0]) {
  const rows = await listEndpoints(s);
  const health = await getEndpointsHealth(rows);
  return paginate(rows, s.limit, (e) => ({ createdAt: e.createdAt.toISOString(), id: e.id }), (e) => endpointView(e, health.get(e.id)!));
}
