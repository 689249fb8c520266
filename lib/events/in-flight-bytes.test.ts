// Issue 18, finding 5: an org's event bytes pending delivery have a ceiling
// (GATEHOUSE_ORG_IN_FLIGHT_MIB). A hostile org whose deliveries never go gets 429 problem+json with
// Retry-After once its backlog reaches it, nothing more is stored for it, and another org posting
// at the same time is unaffected. Over real HTTP on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as events from "@/app/api/v1/events/route";
import { db } from "@/lib/db/client";
import { setDeliveryDispatcher } from "@/lib/events/dispatch";
import { runtime } from "@/lib/runtime/runtime";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

let server: Awaited<ReturnType<typeof serveRoutes>>;
const CEILING_MIB = 0.25; // 256 KiB
const PAYLOAD = "x".repeat(60 * 1024); // ~60 KiB of JSON an event: the 5th takes an org past 256 KiB

type Org = { id: string; tok: string };

async function newOrg(name: string): Promise<Org> {
  const id = (await db.organization.create({ data: { name } })).id;
  const tok = await bearerFor(server.origin, id, ["endpoints:write", "events:write"], "test");
  // Two endpoints: the ceiling counts an event's bytes once, however many deliveries it has.
  for (const n of ["a", "b"]) {
    const r = await post(tok, "/api/v1/endpoints", { name: `${name}-${n}`, url: `https://example.com/${name}/${n}` });
    expect(r.status).toBe(201);
  }
  return { id, tok };
}

function post(tok: string, path: string, body: unknown) {
  return fetch(`${server.origin}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const sendEvent = (org: Org, n: number) => post(org.tok, "/api/v1/events", { type: "run.completed", data: { n, blob: PAYLOAD } });
const storedEvents = (org: Org) => db.event.count({ where: { orgId: org.id } });

/** Posts until the answer is not 202 (bounded); returns the first refusal and how many went in. */
async function fillUntilRefused(org: Org, max: number): Promise<{ accepted: number; refused: Response }> {
  for (let i = 0; i < max; i++) {
    const r = await sendEvent(org, i);
    if (r.status !== 202) return { accepted: i, refused: r };
    await r.body?.cancel();
  }
  throw new Error(`no refusal within ${max} events`);
}

beforeAll(async () => {
  process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = String(CEILING_MIB);
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints": endpoints, "/api/v1/events": events });
  // No dispatcher: every delivery stays pending, as behind receivers that never answer.
  setDeliveryDispatcher(undefined);
});
afterAll(async () => {
  delete process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB;
  await server.close();
});

describe("per-org ceiling of event bytes in flight", () => {
  it("answers a hostile org 429 with Retry-After at its ceiling, stores nothing more, and leaves another org alone", async () => {
    const hostile = await newOrg("hostile");
    const normal = await newOrg("normal");

    const { accepted, refused } = await fillUntilRefused(hostile, 30);
    // 256 KiB / ~60 KiB: 4 events fit, the 5th would go past.
    expect(accepted).toBe(4);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const problem = await refused.json();
    expect(problem).toMatchObject({ status: 429, code: "rate_limited" });
    expect(problem.detail).toMatch(/GATEHOUSE_ORG_IN_FLIGHT_MIB/);
    expect(await storedEvents(hostile)).toBe(4);

    // Six more at once (an attacker racing the check) are all refused: none is stored.
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => sendEvent(hostile, 100 + i)));
    expect(burst.map((r) => r.status)).toEqual(Array(6).fill(429));
    expect(await storedEvents(hostile)).toBe(4);

    // The other org, posting while the hostile one is refused, gets its 4 in; it has its own ceiling.
    const [normalAnswers, hostileAnswers] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, (_, i) => sendEvent(normal, i))),
      Promise.all(Array.from({ length: 3 }, (_, i) => sendEvent(hostile, 200 + i))),
    ]);
    expect(normalAnswers.map((r) => r.status)).toEqual(Array(4).fill(202));
    expect(hostileAnswers.map((r) => r.status)).toEqual(Array(3).fill(429));
    expect(await storedEvents(normal)).toBe(4);
    expect(await storedEvents(hostile)).toBe(4);
  }, 180_000);

  it("counts concurrent requests against each other: a burst from an empty org stops at the ceiling", async () => {
    const org = await newOrg("burst");
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => sendEvent(org, i)));
    const ok = answers.filter((r) => r.status === 202).length;
    expect(ok).toBe(4);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(6);
    expect(await storedEvents(org)).toBe(4);
  }, 120_000);

  it("frees room as deliveries end (succeeded, failed or held no longer count)", async () => {
    const org = await newOrg("drains");
    const { accepted } = await fillUntilRefused(org, 30);
    expect(accepted).toBe(4);
    const firstThree = await db.event.findMany({ where: { orgId: org.id }, orderBy: { createdAt: "asc" }, take: 3, select: { id: true } });
    // One event's deliveries succeed, one's fail for good, one's endpoint is paused (held): three events' room.
    await db.delivery.updateMany({ where: { eventId: firstThree[0]!.id }, data: { status: "succeeded" } });
    await db.delivery.updateMany({ where: { eventId: firstThree[1]!.id }, data: { status: "failed" } });
    await db.delivery.updateMany({ where: { eventId: firstThree[2]!.id }, data: { status: "held" } });
    // A refusal stands for at most a quarter second (its measurement's age); then three fit again.
    const until = Date.now() + 10_000;
    let r = await sendEvent(org, 1000);
    while (r.status === 429 && Date.now() < until) {
      await r.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
      r = await sendEvent(org, 1000);
    }
    expect(r.status).toBe(202);
    expect((await fillUntilRefused(org, 10)).accepted).toBe(2);
    expect(await storedEvents(org)).toBe(7);
  }, 120_000);

  it("measures an org far below its ceiling about once a second, not on every event", async () => {
    // Summing a busy org's backlog costs in proportion to it: under half the ceiling, once a second.
    process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = "64";
    const raw = runtime().db.raw!;
    const query = raw.query.bind(raw);
    let measured = 0;
    raw.query = ((text: string, params?: unknown[], name?: string) => {
      if (text.includes(`pg_column_size(e."payload")`) && text.includes("GROUP BY")) measured++;
      return query(text, params, name);
    }) as typeof raw.query;
    try {
      const org = await newOrg("steady");
      const started = Date.now();
      let sent = 0;
      while (Date.now() - started < 1_600 && sent < 500) {
        const r = await post(org.tok, "/api/v1/events", { type: "run.completed", data: { n: sent++ } });
        expect(r.status).toBe(202);
        await r.body?.cancel();
      }
      const seconds = (Date.now() - started) / 1000;
      expect(sent).toBeGreaterThan(1);
      // Every 250 ms before: 7 or more in 1.6 s.
      expect(measured).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      raw.query = query;
      process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = String(CEILING_MIB);
    }
  }, 120_000);

  it("lets one event larger than the ceiling through when the org has nothing pending", async () => {
    process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = "0.01"; // 10 KiB
    try {
      const org = await newOrg("large");
      expect((await sendEvent(org, 1)).status).toBe(202);
      expect((await sendEvent(org, 2)).status).toBe(429);
    } finally {
      process.env.GATEHOUSE_ORG_IN_FLIGHT_MIB = String(CEILING_MIB);
    }
  }, 120_000);
});
