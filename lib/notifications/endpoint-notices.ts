// Notifications about an endpoint's health, written in the transaction of the change (the circuit
// opened, the endpoint was disabled automatically, its circuit closed again). Each returns the new
// notification's id for sendOperatorEvents after commit, or null when one was written already
// (the same opening, the same disabling: keyed by its time).
import type { Tx } from "@/lib/db/client";
import type { Endpoint } from "@/lib/generated/prisma/client";
import { createNotification } from "@/lib/notifications/create-notification";

type EndpointRow = Pick<Endpoint, "id" | "orgId" | "environment" | "name" | "url">;

export const endpointLink = (id: string) => `/settings/organization/webhooks/endpoints/${id}`;
export const endpointRef = (e: EndpointRow) => ({ id: e.id, name: e.name, url: e.url });

/** The circuit opened (endpoint-circuit.ts circuitOpened). */
export function notifyEndpointFailing(
  tx: Tx,
  e: EndpointRow & Pick<Endpoint, "consecutiveFailures" | "failingSince" | "nextProbeAt">,
  openedAt: Date,
): Promise<string | null> {
  return createNotification(tx, {
    orgId: e.orgId,
    environment: e.environment,
    kind: "endpoint.failing",
    title: `Endpoint "${e.name}" is failing`,
    body: `${e.consecutiveFailures} attempts in a row failed. New deliveries are held (nothing is lost) while one probe at a time checks whether it answers again.`,
    link: endpointLink(e.id),
    target: { type: "endpoint", id: e.id },
    dedupeKey: `endpoint.failing:${e.id}:${openedAt.toISOString()}`,
    data: {
      endpoint: endpointRef(e),
      consecutive_failures: e.consecutiveFailures,
      failing_since: e.failingSince?.toISOString() ?? null,
      circuit_opened_at: openedAt.toISOString(),
      next_probe_at: e.nextProbeAt?.toISOString() ?? null,
    },
  });
}

/** Disabled by Gatehouse: failing for too long (endpoint-circuit.ts) or a 410 Gone (attempt-delivery.ts). */
export function notifyEndpointDisabled(tx: Tx, e: EndpointRow, reason: string, disabledAt: Date): Promise<string | null> {
  return createNotification(tx, {
    orgId: e.orgId,
    environment: e.environment,
    kind: "endpoint.disabled",
    title: `Endpoint "${e.name}" was disabled`,
    body: `Gatehouse disabled it: ${reason}. Its undelivered messages are kept; resume the endpoint to send them.`,
    link: endpointLink(e.id),
    target: { type: "endpoint", id: e.id },
    dedupeKey: `endpoint.disabled:${e.id}:${disabledAt.toISOString()}`,
    data: { endpoint: endpointRef(e), reason, disabled_at: disabledAt.toISOString() },
  });
}

/** The circuit closed again (endpoint-circuit.ts closeCircuit). */
export function notifyEndpointRecovered(tx: Tx, e: EndpointRow, openedAt: Date, released: number, now: Date): Promise<string | null> {
  return createNotification(tx, {
    orgId: e.orgId,
    environment: e.environment,
    kind: "endpoint.recovered",
    title: `Endpoint "${e.name}" recovered`,
    body: `An attempt succeeded again; ${released} held ${released === 1 ? "delivery was" : "deliveries were"} released.`,
    link: endpointLink(e.id),
    target: { type: "endpoint", id: e.id },
    dedupeKey: `endpoint.recovered:${e.id}:${openedAt.toISOString()}`,
    data: { endpoint: endpointRef(e), circuit_opened_at: openedAt.toISOString(), recovered_at: now.toISOString(), released_deliveries: released },
  });
}
