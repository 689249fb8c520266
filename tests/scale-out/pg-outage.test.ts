// PostgreSQL goes away under load and comes back: two Gatehouse processes (each with the embedded
// executor) reach PostgreSQL through a TCP proxy in this test, which first refuses connections
// (as during a restart) and then swallows them (as in a network partition), dropping every open
// connection each time. The shared PostgreSQL server is never restarted (other tests use it).
// While it is down, requests must fail fast with 503 problem+json (not hang, not 500); once it is
// back, both processes serve again without a restart; and every event answered 202 reaches the
// loopback receiver.
import { afterAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/e2e/receiver";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { responseViolations } from "@/tests/helpers/openapi-validator";
import { startTcpProxy, type TcpProxy } from "@/tests/helpers/tcp-proxy";
import { onPostgres, SKIP_REASON, startCluster, type Cluster } from "@/tests/scale-out/cluster";

const ctx = { actor: { type: "system" as const, id: null, label: "pg outage test" }, ip: "127.0.0.1", userAgent: "vitest" };
const SENDERS = 6;
/** No answer may take longer than this while PostgreSQL is down (the pool's connect timeout is 3 s). */
const FAIL_FAST_MS = 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sent = { i: number; status: number; type: string; ms: number; node: string; phase: string; body: string };

describe.skipIf(!onPostgres)(`PostgreSQL down under load (${onPostgres ? "PostgreSQL" : SKIP_REASON})`, () => {
  let cluster: Cluster | undefined;
  let receiver: Receiver | undefined;
  let proxy: TcpProxy | undefined;
  afterAll(async () => {
    await cluster?.close();
    await proxy?.close();
    await receiver?.close();
  });

  it("answers 503 fast while it is down, recovers without a restart, and loses no accepted event", async () => {
    receiver = await startReceiver();
    const orgId = (await db.organization.create({ data: { name: "PG outage" } })).id;
    await createEndpoint({ orgId, environment: "test", name: "receiver", url: `${receiver.url}/hooks`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const { credential, secret } = await createCredential({
      orgId, environment: "test", name: "sender", scopes: ["events:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    });

    const direct = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(direct);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    cluster = await startCluster(2, { GATEHOUSE_TEST_DELIVERIES: "1", DATABASE_URL: viaProxy.toString(), LOG_LEVEL: "silent" });

    const tokenRes = await fetch(`${cluster.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
    });
    expect(tokenRes.status).toBe(200);
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;

    let phase = "before";
    const sent: Sent[] = [];
    let next = 0;
    let stop = false;
    const sendOne = async () => {
      const i = next++;
      const p = phase;
      const t = performance.now();
      const r = await fetch(`${cluster!.origin}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `outage-${i}` },
        body: JSON.stringify({ type: "run.completed", data: { i } }),
        signal: AbortSignal.timeout(30_000),
      }).catch((err: Error) => err);
      const ms = performance.now() - t;
      if (r instanceof Error) {
        sent.push({ i, status: 0, type: "", ms, node: "?", phase: p, body: r.message });
        return;
      }
      sent.push({ i, status: r.status, type: r.headers.get("content-type") ?? "", ms, node: r.headers.get("x-scale-node") ?? "?", phase: p, body: await r.text() });
    };
    // Bounded: each sender stops at `stop`, and at 2,000 requests in all.
    const senders = Array.from({ length: SENDERS }, async () => {
      while (!stop && next < 2_000) {
        await sendOne();
        if (phase !== "before" && phase !== "after") await sleep(50);
      }
    });

    // Load first: the outage starts once events flow (at most 60 s on a busy machine).
    const flowing = Date.now() + 60_000;
    while (sent.filter((s) => s.status === 202).length < 30 && Date.now() < flowing) await sleep(100);
    // Token exchanges too: RFC 6749 JSON (OAuth clients read `error`), 503, fast.
    const exchanges: { phase: string; status: number; ms: number; error?: string; retryAfter: string | null; type: string; body: string }[] = [];
    const exchange = async (p: string) => {
      const t = performance.now();
      const r = await fetch(`${cluster!.origin}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      const body = JSON.parse(text) as { error?: string };
      exchanges.push({ phase: p, status: r.status, ms: performance.now() - t, error: body.error, retryAfter: r.headers.get("retry-after"), type: r.headers.get("content-type") ?? "", body: text });
    };
    phase = "refused";
    await proxy.fail("refuse");
    await sleep(1_000);
    for (let i = 0; i < 3; i++) await exchange("refused");
    await sleep(3_000);
    phase = "blackholed";
    await proxy.fail("blackhole");
    await sleep(1_000);
    for (let i = 0; i < 2; i++) await exchange("blackholed");
    await sleep(6_000); // with the above, longer than FAIL_FAST_MS: a request that hangs is seen hanging
    phase = "restored";
    await proxy.restore();
    // Both processes serve again, without a restart, within 20 s.
    const recoveredBy = Date.now() + 20_000;
    const servedAfter = () => new Set(sent.filter((s) => s.phase === "after" && s.status === 202).map((s) => s.node));
    await sleep(500);
    phase = "after";
    while (servedAfter().size < 2 && Date.now() < recoveredBy) await sleep(200);
    await sleep(1_000);
    stop = true;
    await Promise.all(senders);

    const by = (p: string) => sent.filter((s) => s.phase === p);
    const summary = (p: string) => {
      const counts: Record<string, number> = {};
      for (const s of by(p)) counts[s.status] = (counts[s.status] ?? 0) + 1;
      const slowest = Math.round(Math.max(0, ...by(p).map((s) => s.ms)));
      const details = [...new Set(by(p).filter((s) => s.status !== 202).map((s) => s.body.slice(0, 120)))].slice(0, 3);
      return `${p}: ${JSON.stringify(counts)} slowest ${slowest} ms ${details.join(" | ")}`;
    };
    console.log(`[pg-outage] ${["before", "refused", "blackholed", "restored", "after"].map(summary).join("; ")}`);

    expect(by("before").filter((s) => s.status === 202).length, "events accepted before the outage").toBeGreaterThan(0);
    // While down: only 503 problem+json (or 202 for a request that got its commit in first), fast.
    for (const p of ["refused", "blackholed"]) {
      const answers = by(p);
      expect(answers.length, `requests answered while ${p}`).toBeGreaterThan(0);
      const wrong = answers.filter((s) => s.status !== 503 && s.status !== 202);
      expect(wrong.map((s) => `${s.status} ${s.body.slice(0, 200)}`), `answers other than 503/202 while ${p}`).toEqual([]);
      const unavailable = answers.filter((s) => s.status === 503);
      expect(unavailable.length, `503s while ${p}`).toBeGreaterThan(0);
      for (const s of unavailable) {
        expect(s.type).toContain("application/problem+json");
        expect(JSON.parse(s.body)).toMatchObject({ status: 503, code: "unavailable" });
        // As the OpenAPI document declares it (clients generated from it expect this answer).
        expect(responseViolations({ method: "POST", path: "/api/v1/events", status: 503, contentType: s.type, body: s.body })).toEqual([]);
      }
      const slow = answers.filter((s) => s.ms > FAIL_FAST_MS).map((s) => Math.round(s.ms));
      expect(slow, `answers slower than ${FAIL_FAST_MS} ms while ${p}`).toEqual([]);
    }
    for (const n of cluster!.nodes) {
      const state = n.process.exitCode ?? n.process.signalCode ?? "running";
      if (state !== "running" || !servedAfter().has(String(n.index))) console.log(`[pg-outage] process ${n.index}: ${state}; stderr: ${n.stderr().slice(-3000)}`);
    }
    expect([...servedAfter()].sort(), "processes that accepted events again after the outage").toEqual(["0", "1"]);
    console.log(`[pg-outage] token exchanges while down: ${exchanges.map((e) => `${e.status} ${e.error} ${Math.round(e.ms)} ms`).join("; ")}`);
    for (const e of exchanges) {
      expect(e, "a token exchange while PostgreSQL is down").toMatchObject({ status: 503, error: "temporarily_unavailable", retryAfter: "5" });
      expect(responseViolations({ method: "POST", path: "/oauth/token", status: 503, contentType: e.type, body: e.body })).toEqual([]);
      expect(e.ms).toBeLessThan(FAIL_FAST_MS);
    }
    await exchange("after");
    expect(exchanges.at(-1)!.status, "a token exchange after the outage").toBe(200);

    // Every accepted event reaches the receiver.
    const accepted = new Set(sent.filter((s) => s.status === 202).map((s) => s.i));
    const seen = () => new Set(receiver!.requests.map((r) => (JSON.parse(r.body) as { data: { i: number } }).data.i));
    const until = Date.now() + 120_000;
    while ([...accepted].some((i) => !seen().has(i)) && Date.now() < until) await sleep(250);
    const arrived = seen();
    const lost = [...accepted].filter((i) => !arrived.has(i));
    console.log(`[pg-outage] ${accepted.size} events accepted, ${arrived.size} distinct delivered, ${receiver.requests.length} requests received`);
    expect(lost, "accepted events never delivered").toEqual([]);
  }, 240_000);
});
