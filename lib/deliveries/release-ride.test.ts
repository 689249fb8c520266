// A send's release (its slot given back) rides along with the process's next claim statement
// instead of making a statement of its own (endpoint-throttle.ts): these tests count the
// statements that reach the database (a pass-through counter on the process's SQL runner), and
// check what another process sees in EndpointThrottle: a slot is freed within RELEASE_WAIT_MS
// when no claim comes, a Retry-After pause goes at once, and releases lost with a killed process
// only hold their slots until their leases end.
import { afterAll, beforeAll, expect, it } from "vitest";
import { claimSend, LEASE_MARGIN_MS, RELEASE_WAIT_MS, releaseSend, type ClaimAnswer, type ClaimRequest, type Lease } from "@/lib/deliveries/endpoint-throttle";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { ingestEvent } from "@/lib/events/ingest-event";
import { runtime } from "@/lib/runtime/runtime";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { setEndpointStatus } from "@/lib/webhooks/set-endpoint-status";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const URL_ = "http://127.0.0.1:9/never-sent"; // claims only: nothing is sent in these tests
const opts = { claimEarlyMs: 2_000, claimMarginMs: 15_000 };
let orgId: string;
// A pass-through counter on the process's SQL runner (every statement still runs for real).
let counting: string[] | null = null;

beforeAll(async () => {
  await sql("SELECT 1"); // opens (and migrates) the database, so the runner below exists
  orgId = (await db.organization.create({ data: { name: "Release ride" } })).id;
  const raw = runtime().db.raw!;
  const query = raw.query.bind(raw);
  raw.query = ((text: string, params?: unknown[], name?: string) => {
    // The claim statement (endpoint-throttle.ts) is the one that locks the throttle rows.
    counting?.push(name ?? (text.includes(`"EndpointThrottle"`) && text.includes("FOR UPDATE") ? "claim" : text.slice(0, 40)));
    return query(text, params, name);
  }) as typeof raw.query;
}, 180_000); // a fresh database's migrations take long on a busy machine
afterAll(() => {
  counting = null;
});

/** An endpoint (max_in_flight as given) with `n` pending deliveries that nothing else sends. */
async function endpointWithDeliveries(name: string, maxInFlight: number, n: number, rateLimitPerSecond?: number) {
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name, url: URL_, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx, maxInFlight, rateLimitPerSecond });
  // Held while paused (no engine runs here), then pending and due.
  await setEndpointStatus({ orgId, environment: "test", id: endpoint.id, status: "paused", ctx });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(...(await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id })).heldDeliveryIds);
  await db.endpoint.update({ where: { id: endpoint.id }, data: { status: "active" } });
  await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "pending", nextAttemptAt: null } });
  const req = (deliveryId: string, timeoutMs = 10_000): ClaimRequest => ({ deliveryId, endpointId: endpoint.id, gen: null, url: URL_, timeoutMs });
  return { endpoint, ids, req };
}

/** Claims until claimed (an endpoint's first claim makes its throttle row and asks again), at most 5 tries. */
async function claim(req: ClaimRequest): Promise<Extract<ClaimAnswer, { kind: "claimed" }>> {
  let a: ClaimAnswer = { kind: "refused" };
  for (let i = 0; i < 5; i++) {
    a = await claimSend(req, opts);
    if (a.kind !== "throttled" || a.retryAt === null) break;
  }
  if (a.kind !== "claimed") throw new Error(`not claimed: ${JSON.stringify(a)}`);
  return a;
}

const leasesOf = async (endpointId: string) => {
  const row = await db.endpointThrottle.findUnique({ where: { endpointId } });
  return Object.keys((row?.leases ?? {}) as Record<string, number>);
};

it("a release followed by a claim costs one statement: the claim carries it and gets the slot it freed (max_in_flight 1)", async () => {
  const { ids, req } = await endpointWithDeliveries("ride", 1, 2);
  const first = await claim(req(ids[0]!));
  counting = [];
  const released = releaseSend(first.lease, null);
  const second = await claimSend(req(ids[1]!), opts);
  await released;
  const statements = counting;
  counting = null;
  expect(second.kind).toBe("claimed");
  // One statement (the claim, with the release in it), not a release of its own and then the claim.
  expect(statements).toEqual(["claim"]);
  expect(await leasesOf(first.lease.endpointId)).toEqual([(second as Extract<ClaimAnswer, { kind: "claimed" }>).lease.token]);
});

it("a release no claim follows is written on its own within RELEASE_WAIT_MS: another process then sees the slot free", async () => {
  const { endpoint, ids, req } = await endpointWithDeliveries("alone", 1, 1);
  const { lease } = await claim(req(ids[0]!));
  expect(await leasesOf(endpoint.id)).toEqual([lease.token]);
  const t0 = Date.now();
  counting = [];
  await releaseSend(lease, null);
  const statements = counting;
  counting = null;
  expect(statements).toEqual(["claim"]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(RELEASE_WAIT_MS - 2); // it waited for a claim to ride with
  expect(await leasesOf(endpoint.id)).toEqual([]);
});

it("a Retry-After release goes at once and takes the releases waiting with it: one statement, the pause set", async () => {
  const { endpoint, ids, req } = await endpointWithDeliveries("pause", 2, 2);
  const a = await claim(req(ids[0]!));
  const b = await claim(req(ids[1]!));
  expect((await leasesOf(endpoint.id)).sort()).toEqual([a.lease.token, b.lease.token].sort());
  counting = [];
  const plain = releaseSend(a.lease, null);
  const until = Date.now() + 30_000;
  await releaseSend(b.lease, until);
  const statements = [...counting];
  await plain; // written by the same statement
  counting = null;
  expect(statements).toEqual(["claim"]);
  const row = await db.endpointThrottle.findUniqueOrThrow({ where: { endpointId: endpoint.id } });
  expect(row.leases).toEqual({});
  expect(Math.abs(row.pausedUntil!.getTime() - until)).toBeLessThan(1_000);
});

it("releases lost with a killed process hold their slots only until their leases end; nothing else is lost", async () => {
  const { endpoint, ids, req } = await endpointWithDeliveries("killed", 1, 2);
  const timeoutMs = 8_000; // the lease lasts 10 s: long enough to be seen on a busy machine
  const { lease } = await claim(req(ids[0]!, timeoutMs));
  // The process dies with the release still waiting for a claim: what a kill -9 does to memory.
  void releaseSend(lease, null);
  const state = runtime().deliveries.releases;
  expect(state.waiting).toHaveLength(1);
  clearTimeout(state.timer!);
  state.waiting = [];
  state.timer = null;
  // Another sender (as another process would) finds the slot still taken by the dead lease ...
  const refused = await claimSend(req(ids[1]!), opts);
  expect(refused.kind).toBe("throttled");
  expect(await leasesOf(endpoint.id)).toEqual([lease.token as string]);
  // ... and gets it once the lease has ended (its send's timeout + LEASE_MARGIN_MS).
  const deadline = Date.now() + timeoutMs + LEASE_MARGIN_MS + 20_000;
  let got: ClaimAnswer = refused;
  while (got.kind !== "claimed" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    got = await claimSend(req(ids[1]!), opts);
  }
  expect(got.kind).toBe("claimed");
  // The first delivery's claim still stands (its attempt would be retried once its claim ends).
  expect(await db.delivery.findUniqueOrThrow({ where: { id: ids[0]! }, select: { status: true } })).toEqual({ status: "pending" });
  expect((got as { lease: Lease }).lease.endpointId).toBe(endpoint.id);
}, 90_000);

it("a send's re-claim (its start went stale) keeps its delivery's claim: a fresh start, its old lease given back in the same statement", async () => {
  const { endpoint, ids, req } = await endpointWithDeliveries("reclaim", 1, 1, 10);
  const timeoutMs = 10_000;
  const first = await claim(req(ids[0]!, timeoutMs));
  const claimedUntil = first.startAt + timeoutMs + opts.claimMarginMs; // the delivery's nextAttemptAt, as the claim set it
  // Another attempt cannot claim it meanwhile ...
  expect((await claimSend(req(ids[0]!, timeoutMs), opts)).kind).toBe("refused");
  // ... nor can a re-claim of a generation it no longer has.
  expect((await claimSend({ ...req(ids[0]!, timeoutMs), gen: "2020-01-01T00:00:00.000Z", reclaim: { claimedUntil, lease: null } }, opts)).kind).toBe("refused");
  // Its own send can: one statement gives the old slot back (max_in_flight is 1) and grants the next start.
  counting = [];
  const again = await claimSend({ ...req(ids[0]!, timeoutMs), reclaim: { claimedUntil, lease: first.lease } }, opts);
  const statements = counting;
  counting = null;
  expect(statements).toEqual(["claim"]);
  if (again.kind !== "claimed") throw new Error(`not re-claimed: ${JSON.stringify(again)}`);
  expect(again.startAt).toBeGreaterThanOrEqual(first.startAt + 99); // after the start the rate gave the first (10/s)
  expect(await leasesOf(endpoint.id)).toEqual([again.lease.token]);
  const row = await db.delivery.findUniqueOrThrow({ where: { id: ids[0]! }, select: { status: true, nextAttemptAt: true } });
  expect(row.status).toBe("pending");
  expect(Math.abs(row.nextAttemptAt!.getTime() - (again.startAt + timeoutMs + opts.claimMarginMs))).toBeLessThanOrEqual(1);
  await releaseSend(again.lease, null);
  // A claim that lapsed and was taken by another attempt is not the re-claim's any more.
  await db.delivery.update({ where: { id: ids[0]! }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
  await claim(req(ids[0]!, timeoutMs));
  expect((await claimSend({ ...req(ids[0]!, timeoutMs), reclaim: { claimedUntil: Date.now() - 1_000, lease: null } }, opts)).kind).toBe("refused");
}, 60_000);
