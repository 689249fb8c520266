// Two processes, each with the embedded executor, on one PostgreSQL behind a round-robin proxy,
// both sending to the same endpoints: an endpoint's max_in_flight and rate limit hold for the two
// together (lib/deliveries/endpoint-throttle.ts), not for each process on its own.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { onPostgres, SKIP_REASON, startCluster, type Cluster } from "@/tests/scale-out/cluster";

const ctx = { actor: { type: "system" as const, id: null, label: "scale-out test" }, ip: "127.0.0.1", userAgent: "vitest" };

describe.skipIf(!onPostgres)(`the endpoint throttle across processes (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, () => {
  let cluster: Cluster | undefined;
  let server: http.Server | undefined;
  afterAll(async () => {
    await cluster?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  });

  it("two processes keep max_in_flight 2 and 10 deliveries/s between them", async () => {
    // The receiver: /slow holds each request 150 ms and counts how many are in flight at once;
    // /rate answers at once and keeps arrival times. Nothing else runs in this process.
    let inFlight = 0;
    let most = 0;
    const slowDone = new Set<number>();
    const rateTimes: number[] = [];
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      const arrived = Date.now();
      if (req.url === "/slow") most = Math.max(most, ++inFlight);
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const i = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data: { i: number } }).data.i;
        if (req.url === "/rate") {
          rateTimes.push(arrived);
          res.writeHead(200).end("ok");
          return;
        }
        setTimeout(() => {
          inFlight--;
          slowDone.add(i);
          res.writeHead(200).end("ok");
        }, 150);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const orgId = (await db.organization.create({ data: { name: "Throttle across processes" } })).id;
    for (const name of ["throttle.slow", "throttle.rate"]) await db.eventType.create({ data: { orgId, environment: "test", name, description: name } });
    const common = { orgId, environment: "test" as const, fields: ENDPOINTS_FIELDS, ctx };
    await createEndpoint({ ...common, name: "slow", url: `${base}/slow`, eventTypes: ["throttle.slow"], maxInFlight: 2 });
    const { endpoint: rate } = await createEndpoint({ ...common, name: "rate", url: `${base}/rate`, eventTypes: ["throttle.rate"], rateLimitPerSecond: 10, active: false });
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "sender", scopes: ["events:write", "endpoints:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });
    cluster = await startCluster(2, { GATEHOUSE_TEST_DELIVERIES: "1" });
    const tokenRes = await fetch(`${cluster.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    // Round robin: every other event is taken in, dispatched and sent by the other process.
    const post = async (type: string, i: number) => {
      const r = await fetch(`${cluster!.origin}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ type, data: { i } }),
      });
      expect(r.status).toBe(202);
      await r.arrayBuffer();
    };
    const until = async (what: string, done: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(done(), what).toBe(true);
    };

    // max_in_flight 2: 40 events, half through each process.
    for (let i = 0; i < 40; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => post("throttle.slow", i + k)));
    await until("40 deliveries at /slow", () => slowDone.size >= 40, 90_000);
    expect(most).toBe(2);

    // 10/s: 60 events through both processes while the endpoint is paused, then resumed through
    // one of them: the releases go to both executors' runs (the sweeper and resends do too).
    for (let i = 0; i < 60; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => post("throttle.rate", i + k)));
    // Resumed through the API (the proxy picks a process); both executors claim the runs.
    const resume = await fetch(`${cluster.origin}/api/v1/endpoints/${rate.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ status: "ACTIVE" }),
    });
    expect(resume.status).toBe(200);
    await resume.arrayBuffer();
    await until("60 deliveries at /rate", () => rateTimes.length >= 60, 60_000);
    const t0 = rateTimes[0]!;
    const perSecond = Array.from({ length: 5 }, (_, s) => rateTimes.filter((t) => t >= t0 + s * 1000 && t < t0 + (s + 1) * 1000).length);
    const why = `arrivals per second: ${perSecond.join(", ")}`;
    for (const n of perSecond) expect(n, why).toBeLessThanOrEqual(11);
    const overall = (rateTimes.length - 1) / ((rateTimes.at(-1)! - t0) / 1000);
    expect(overall, why).toBeGreaterThan(9);
    expect(overall, why).toBeLessThan(11);
  }, 300_000);
});
