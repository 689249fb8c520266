// ingestEvent under concurrency: events that arrive together are stored in shared transactions
// (group commit), yet each caller gets its own event, its own deliveries and its own error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher, type DeliveryRef } from "@/lib/events/dispatch";
import { ingestEvent, type IngestEventOptions, type IngestEventResult } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const dispatched: DeliveryRef[] = [];
const idOf = (r: DeliveryRef) => (typeof r === "string" ? r : r.id);
let orgA: string;
let orgB: string;
const ep: Record<string, string> = {};

async function endpoint(orgId: string, name: string, extra: { eventTypes?: string[]; active?: boolean; environment?: "test" | "live" } = {}) {
  const e = await createEndpoint({
    orgId,
    environment: extra.environment ?? "test",
    name,
    url: `https://example.com/${name}`,
    eventTypes: extra.eventTypes ?? [],
    headers: {},
    active: extra.active,
    fields: ENDPOINTS_FIELDS,
    ctx,
  });
  ep[name] = e.endpoint.id;
}

beforeAll(async () => {
  setDeliveryDispatcher(async (ids) => void dispatched.push(...ids));
  orgA = (await db.organization.create({ data: { name: "A" } })).id;
  orgB = (await db.organization.create({ data: { name: "B" } })).id;
  await endpoint(orgA, "a-all");
  await endpoint(orgA, "a-completed", { eventTypes: ["run.completed"] });
  await endpoint(orgA, "a-paused", { active: false });
  await endpoint(orgA, "a-disabled");
  await db.endpoint.update({ where: { id: ep["a-disabled"] }, data: { status: "disabled" } });
  await endpoint(orgA, "a-live", { environment: "live" });
  await endpoint(orgB, "b-failed", { eventTypes: ["run.failed"] });
});

afterAll(() => {
  setDeliveryDispatcher(undefined);
});

describe("concurrent ingestEvent", () => {
  it("gives each of 50 simultaneous callers its own event, deliveries and errors", async () => {
    type Case = { opts: IngestEventOptions; expect: { pending: string[]; held: string[] } | "duplicate" | "error" };
    const cases: Case[] = [];
    for (let i = 0; i < 19; i++) {
      cases.push({
        opts: { orgId: orgA, environment: "test", type: "run.completed", data: { run_id: `c${i}` } },
        expect: { pending: [ep["a-all"], ep["a-completed"]], held: [ep["a-paused"]] },
      });
    }
    for (let i = 0; i < 10; i++) {
      cases.push({
        opts: { orgId: orgA, environment: "test", type: "run.failed", data: { run_id: `f${i}` } },
        expect: { pending: [ep["a-all"]], held: [ep["a-paused"]] },
      });
    }
    for (let i = 0; i < 10; i++) {
      cases.push({ opts: { orgId: orgB, environment: "test", type: "run.failed", data: { n: i } }, expect: { pending: [ep["b-failed"]], held: [] } });
    }
    for (let i = 0; i < 5; i++) {
      cases.push({ opts: { orgId: orgB, environment: "test", type: "run.completed", data: { n: i } }, expect: { pending: [], held: [] } });
    }
    cases.push({ opts: { orgId: orgA, environment: "live", type: "run.completed", data: {} }, expect: { pending: [ep["a-live"]], held: [] } });
    cases.push({
      opts: { orgId: orgA, environment: "test", type: "run.completed", data: {}, onlyEndpointId: ep["a-completed"] },
      expect: { pending: [ep["a-completed"]], held: [] },
    });
    // The same client id twice at once: one stores the event, the other answers with it.
    const dup = { orgId: orgA, environment: "test" as const, type: "run.failed", data: { run_id: "same" }, externalId: "dup-1" };
    cases.push({ opts: dup, expect: "duplicate" }, { opts: { ...dup }, expect: "duplicate" });
    // Refused before the batch (unknown type) and inside it (PostgreSQL's jsonb has no \u0000):
    // both fail alone.
    cases.push({ opts: { orgId: orgA, environment: "test", type: "no.such.type", data: {} }, expect: "error" });
    cases.push({ opts: { orgId: orgA, environment: "test", type: "webhook.test", data: { bad: "nul\u0000" } }, expect: "error" });
    expect(cases).toHaveLength(50);

    const settled = await Promise.allSettled(cases.map((c) => ingestEvent(c.opts)));

    const created: IngestEventResult[] = [];
    const dupResults: IngestEventResult[] = [];
    for (const [n, c] of cases.entries()) {
      const s = settled[n];
      if (c.expect === "error") {
        expect(s.status, `case ${n}`).toBe("rejected");
        continue;
      }
      expect(s.status, `case ${n}: ${s.status === "rejected" ? String(s.reason) : ""}`).toBe("fulfilled");
      const r = (s as PromiseFulfilledResult<IngestEventResult>).value;
      if (c.expect === "duplicate") {
        dupResults.push(r);
        continue;
      }
      created.push(r);
      expect(r.created).toBe(true);
      expect(r.event).toMatchObject({ orgId: c.opts.orgId, environment: c.opts.environment, type: c.opts.type, payload: c.opts.data });
      expect(r.deliveryCount).toBe(c.expect.pending.length + c.expect.held.length);
      const rows = await db.delivery.findMany({ where: { eventId: r.event.id }, orderBy: { id: "asc" } });
      expect(rows.filter((d) => d.status === "pending").map((d) => d.endpointId).sort()).toEqual([...c.expect.pending].sort());
      expect(rows.filter((d) => d.status === "held").map((d) => d.endpointId).sort()).toEqual([...c.expect.held].sort());
      expect(rows.filter((d) => d.status === "pending").map((d) => d.id).sort()).toEqual([...r.pendingDeliveryIds].sort());
      expect(rows.filter((d) => d.status === "held").map((d) => d.id).sort()).toEqual([...r.heldDeliveryIds].sort());
      for (const d of rows) expect(d).toMatchObject({ orgId: c.opts.orgId, environment: c.opts.environment, attempts: 0 });
      // Stored as returned: same createdAt (UTC, to the millisecond) and payload.
      const stored = await db.event.findUniqueOrThrow({ where: { id: r.event.id } });
      expect(stored.createdAt.toISOString()).toBe(r.event.createdAt.toISOString());
      expect(stored.payload).toEqual(c.opts.data);
      expect(Math.abs(stored.createdAt.getTime() - Date.now())).toBeLessThan(120_000);
    }

    // Exactly one of the duplicate pair created the event; both answer with it.
    expect(dupResults.map((r) => r.created).sort()).toEqual([false, true]);
    expect(dupResults[0].event.id).toBe(dupResults[1].event.id);
    expect(dupResults.map((r) => r.deliveryCount)).toEqual([2, 2]);
    const winner = dupResults.find((r) => r.created)!;
    created.push(winner);

    // Nothing else was stored (the failed ones left no rows), and every pending delivery was
    // handed to the dispatcher once.
    expect(await db.event.count()).toBe(created.length);
    expect(await db.delivery.count()).toBe(created.reduce((n, r) => n + r.deliveryCount, 0));
    const allPending = created.flatMap((r) => r.pendingDeliveryIds);
    expect(dispatched.map(idOf).sort()).toEqual([...allPending].sort());
    // Ingestion tells the dispatcher each delivery's endpoint and org, as stored (it then looks nothing up).
    const stored = new Map((await db.delivery.findMany({ select: { id: true, endpointId: true, orgId: true } })).map((d) => [d.id, d]));
    for (const r of dispatched) expect(r).toEqual({ id: idOf(r), endpointId: stored.get(idOf(r))!.endpointId, orgId: stored.get(idOf(r))!.orgId });

    // They were committed in shared transactions, not one each (a batch shares one createdAt).
    const stamps = new Set((await db.event.findMany({ select: { createdAt: true } })).map((e) => e.createdAt.getTime()));
    expect(stamps.size).toBeLessThan(created.length);
  });

  it("refuses an archived type on the next request", async () => {
    await db.eventType.update({ where: { orgId_environment_name: { orgId: orgB, environment: "test", name: "run.failed" } }, data: { archivedAt: new Date() } });
    await expect(ingestEvent({ orgId: orgB, environment: "test", type: "run.failed", data: {} })).rejects.toThrow(/archived/);
    await db.eventType.update({ where: { orgId_environment_name: { orgId: orgB, environment: "test", name: "run.failed" } }, data: { archivedAt: null } });
    const r = await ingestEvent({ orgId: orgB, environment: "test", type: "run.failed", data: {} });
    expect(r.deliveryCount).toBe(1);
  });
});
