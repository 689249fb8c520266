// What "Replay all failed" would replay, before anyone confirms it: the failed deliveries created
// since a time (of one endpoint, or all), counted per endpoint. The same filter as
// replayFailedSince, so the number shown is the number the replay then reports (unless more
// fail or are replayed in between).
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import type { ReplayFailedPreview } from "@/lib/validations/deliveries";

export async function previewReplayFailed(opts: {
  orgId: string;
  environment: Environment;
  endpointId?: string;
  since: Date;
}): Promise<ReplayFailedPreview> {
  const groups = await db.delivery.groupBy({
    by: ["endpointId"],
    where: {
      orgId: opts.orgId,
      environment: opts.environment,
      status: "failed",
      createdAt: { gte: opts.since },
      ...(opts.endpointId ? { endpointId: opts.endpointId } : {}),
    },
    _count: { _all: true },
  });
  const names = groups.length
    ? await db.endpoint.findMany({ where: { id: { in: groups.map((g) => g.endpointId) } }, select: { id: true, name: true } })
    : [];
  const nameOf = new Map(names.map((e) => [e.id, e.name]));
  const endpoints = groups
    .map((g) => ({ endpoint_id: g.endpointId, endpoint_name: nameOf.get(g.endpointId) ?? g.endpointId, failed: g._count._all }))
    .sort((a, b) => b.failed - a.failed || a.endpoint_name.localeCompare(b.endpoint_name));
  return { total: endpoints.reduce((n, e) => n + e.failed, 0), endpoints };
}
