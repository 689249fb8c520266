// The receiving URL under concurrency: webhook lookups and Store inserts are shared between
// requests in flight (lib/inbound/receive-message.ts), so these check that sharing never mixes
// up bodies or ids, never stores a refused request, and never lets one bad row fail the others.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as receive from "@/app/in/[id]/route";
import { db } from "@/lib/db/client";
import { createInboundWebhook } from "@/lib/inbound/create-inbound-webhook";
import { acceptInboundMessage, authorizeInbound } from "@/lib/inbound/receive-message";
import { signHmacSha256 } from "@/lib/inbound/signatures";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let orgId: string;

beforeAll(async () => {
  server = await serveRoutes({ "/in/[id]": receive });
  orgId = (await db.organization.create({ data: { name: "Inbound concurrency" } })).id;
});
afterAll(async () => {
  await server.close();
});

async function webhook(opts: { verification?: "hmac_sha256"; secret?: string } = {}) {
  const { webhook: w, token } = await createInboundWebhook({
    orgId,
    environment: "test",
    name: "burst",
    handler: "store",
    ctx,
    ...(opts.verification ? { verification: opts.verification, verificationSecret: opts.secret, signatureHeader: "x-signature" } : {}),
  });
  return { id: w.id, token, url: `${server.origin}/in/${w.id}` };
}

const post = (url: string, token: string, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", ...headers }, body: new Uint8Array(body) });

const rowsOf = (webhookId: string) => db.inboundMessage.findMany({ where: { webhookId } });

// Distinct bodies of varied sizes and bytes (empty, binary with NULs, invalid UTF-8, 64 KiB).
const bodyFor = (i: number) =>
  i === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`#${i}:`), Buffer.from([0, 0xff, 0xc3, 0x28, i & 0xff]), Buffer.alloc((i % 7) * 9362, i & 0xff)]);

describe("concurrent requests to one webhook", () => {
  it("stores each of 50 with its own exact body and id, and nothing for refusals in the middle", async () => {
    const w = await webhook();
    const bodies = Array.from({ length: 50 }, (_, i) => bodyFor(i));
    const refusedBody = Buffer.from("refused: must not be stored");
    const requests = bodies.map((b) => post(w.url, w.token, b));
    // Refusals sent in the same burst: a wrong token (401) and a body over the limit (413).
    requests.splice(25, 0, post(w.url, w.token.slice(0, -2) + "zz", refusedBody));
    requests.splice(10, 0, post(w.url, w.token, Buffer.alloc(1024 * 1024 + 1, 0x61)));
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(50);
    expect(statuses[10]).toBe(413);
    expect(statuses[26]).toBe(401);

    const accepted = responses.filter((r) => r.status === 202);
    const ids = await Promise.all(accepted.map(async (r) => ((await r.json()) as { id: string }).id));
    const rows = await rowsOf(w.id);
    expect(rows).toHaveLength(50);
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, i) => {
      const row = byId.get(id);
      expect(row, `message ${i}`).toBeDefined();
      expect(Buffer.from(row!.body).equals(bodies[i]!), `body of message ${i}`).toBe(true);
      expect(row!.bodySize).toBe(bodies[i]!.byteLength);
      expect(row!.outcome).toBe("stored");
      expect(row!.headers).toContainEqual(["authorization", "Bearer ••••••"]);
    });
    // receivedAt is written as UTC: within a minute of now, whatever the server's time zone.
    for (const r of rows) expect(Math.abs(r.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("keeps requests to several webhooks apart, refusing bad signatures and other webhooks' tokens", async () => {
    const secret = "a-shared-secret-from-the-sender";
    const [a, b, signed] = await Promise.all([webhook(), webhook(), webhook({ verification: "hmac_sha256", secret })]);
    const sends: { to: typeof a; body: Buffer; token?: string; headers?: Record<string, string>; status: number }[] = [];
    for (let i = 0; i < 15; i++) {
      sends.push({ to: a, body: Buffer.from(`a${i}`), status: 202 });
      sends.push({ to: b, body: Buffer.from(`b${i}`), status: 202 });
      const body = Buffer.from(`s${i}`);
      sends.push({ to: signed, body, headers: { "x-signature": signHmacSha256(secret, body) }, status: 202 });
    }
    sends.splice(7, 0, { to: signed, body: Buffer.from("forged"), headers: { "x-signature": signHmacSha256("not-the-secret-at-all", Buffer.from("forged")) }, status: 401 });
    sends.splice(20, 0, { to: a, body: Buffer.from("wrong token"), token: b.token, status: 401 });
    const responses = await Promise.all(sends.map((s) => post(s.to.url, s.token ?? s.to.token, s.body, s.headers)));
    expect(responses.map((r) => r.status)).toEqual(sends.map((s) => s.status));
    for (const w of [a, b, signed]) {
      const stored = (await rowsOf(w.id)).map((r) => Buffer.from(r.body).toString()).sort();
      const expected = sends.filter((s) => s.to === w && s.status === 202).map((s) => s.body.toString()).sort();
      expect(stored).toEqual(expected);
    }
  });

  it("a row that cannot be written (its webhook deleted meanwhile) fails alone; the others are stored", async () => {
    const [keep, gone] = await Promise.all([webhook(), webhook()]);
    const auth = async (w: typeof keep) =>
      authorizeInbound({ webhookId: w.id, headers: new Headers({ authorization: `Bearer ${w.token}` }), query: new URLSearchParams() });
    const [keepAuth, goneAuth] = await Promise.all([auth(keep), auth(gone)]);
    await db.inboundWebhook.delete({ where: { id: gone.id } });
    const accept = (w: typeof keepAuth, body: string) =>
      acceptInboundMessage(w, { method: "POST", headers: new Headers(), query: new URLSearchParams(), ip: null, body: Buffer.from(body) });
    // The first goes alone; the rest queue behind it and share a statement with the doomed row.
    const results = await Promise.allSettled([accept(keepAuth, "k0"), accept(keepAuth, "k1"), accept(goneAuth, "g"), accept(keepAuth, "k2")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((await rowsOf(keep.id)).map((r) => Buffer.from(r.body).toString()).sort()).toEqual(["k0", "k1", "k2"]);
    expect(await rowsOf(gone.id)).toHaveLength(0);
  });
});
