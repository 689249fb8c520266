// "Test against the last 20 events": which of the environment's latest events an endpoint with
// these event types, channels and payload filter would get a delivery of, decided by the same
// rules as fan-out (lib/events/ingest-event.ts). Reads only.
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { evaluateFilter, parseFilter } from "@/lib/webhooks/payload-filter";

export const PREVIEW_EVENTS = 20;

export type PreviewReason = "matches" | "event_type" | "channels" | "filter";

export async function previewEndpointFilter(opts: {
  orgId: string;
  environment: Environment;
  /** Checked by the caller's schema. */
  filter?: string | null;
  channels: string[];
  eventTypes: string[];
}) {
  const node = opts.filter ? parseFilter(opts.filter) : null;
  const events = await db.event.findMany({
    where: { orgId: opts.orgId, environment: opts.environment },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PREVIEW_EVENTS,
    select: { id: true, type: true, payload: true, channels: true, createdAt: true },
  });
  const data = events.map((e) => {
    const channels = e.channels ?? [];
    const reason: PreviewReason =
      opts.eventTypes.length && !opts.eventTypes.includes(e.type)
        ? "event_type"
        : opts.channels.length && !channels.some((c) => opts.channels.includes(c))
          ? "channels"
          : node && !evaluateFilter(node, { type: e.type, data: e.payload, channels })
            ? "filter"
            : "matches";
    return { id: e.id, type: e.type, channels, created_at: e.createdAt.toISOString(), matches: reason === "matches", reason };
  });
  return { data, matched: data.filter((d) => d.matches).length };
}
