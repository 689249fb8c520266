// Three processes, each with the embedded executor, on one PostgreSQL behind a round-robin proxy:
// events are sent through the proxy while one process is killed with SIGKILL. Every delivery
// must arrive at the receiver; duplicates (a delivery sent again because the process that sent it
// died before recording the answer) are counted and must stay few.
import { afterAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { onPostgres, SKIP_REASON, startCluster, type Cluster } from "@/tests/scale-out/cluster";

/** Issue 17's proof: 1,000 events, one of the processes killed -9 halfway. */
const EVENTS = 1_000;
const ctx = { actor: { type: "system" as const, id: null, label: "scale-out test" }, ip: "127.0.0.1", userAgent: "vitest" };

describe.skipIf(!onPostgres)(`a process killed while deliveries run (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, () => {
  let cluster: Cluster | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await cluster?.close();
    await receiver?.close();
  });

  it(`delivers all ${EVENTS} events, with few duplicates, when one of three processes is killed -9 midway`, async () => {
    receiver = await startReceiver();
    const orgId = (await db.organization.create({ data: { name: "Kill -9" } })).id;
    await createEndpoint({ orgId, environment: "test", name: "receiver", url: `${receiver.url}/hooks`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "sender", scopes: ["events:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    const t0 = Date.now();
    cluster = await startCluster(3, { GATEHOUSE_TEST_DELIVERIES: "1" });
    const t1 = Date.now();
    const tokenRes = await fetch(`${cluster.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;

    // Each event is retried until accepted, with one Idempotency-Key, so a request lost with the
    // killed process never makes a second event.
    const send = async (i: number) => {
      let last = "";
      for (let attempt = 0; attempt < 20; attempt++) {
        const r = await fetch(`${cluster!.origin}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `event-${i}` },
          body: JSON.stringify({ type: "run.completed", data: { i } }),
        }).catch(() => null);
        if (r && (r.status === 201 || r.status === 202 || r.status === 200)) return;
        last = r ? `${r.status} ${(await r.text()).slice(0, 300)}` : "no answer";
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`event ${i} was never accepted; the last answer: ${last}`);
    };
    const victim = cluster.nodes[1]!;
    const STEP = 25;
    for (let i = 0; i < EVENTS; i += STEP) {
      await Promise.all(Array.from({ length: STEP }, (_, k) => send(i + k)));
      if (i === Math.floor(EVENTS / 2 / STEP) * STEP) victim.process.kill("SIGKILL");
    }
    const t2 = Date.now();

    // Every event arrives (distinct `i`), within a bounded time.
    const seen = () => new Set(receiver!.requests.map((r) => (JSON.parse(r.body) as { data: { i: number } }).data.i));
    const until = Date.now() + 240_000;
    while (seen().size < EVENTS && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const arrived = seen();
    const missing = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => !arrived.has(i));
    expect(missing, "events never delivered").toEqual([]);
    const duplicates = receiver.requests.length - arrived.size;
    console.log(
      `[scale-out] ${EVENTS} events, ${receiver.requests.length} requests received, ${duplicates} duplicates after kill -9; ` +
        `start ${t1 - t0} ms, send ${t2 - t1} ms, last delivery ${Date.now() - t2} ms after the last send`,
    );
    expect(duplicates).toBeLessThanOrEqual(EVENTS * 0.05);
  }, 480_000);
});
