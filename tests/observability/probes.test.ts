// /healthz and /readyz over real HTTP with the real executor: ready while the database and the
// executor answer; 503 problem+json naming the database while it is unreachable, and ready again
// once it is back, without a restart; 503 naming the executor once it stops. /healthz stays 200
// throughout (an outage must not get healthy processes restarted).
//
// On PostgreSQL the app reaches its database through a TCP proxy in this file, which is taken
// down (listener closed, connections cut) and brought back on the same port. On PGlite the
// in-process database is closed (an embedded database does not come back without a restart).
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.LOG_LEVEL = "info"; // so that a probe logged at info would show
});

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

/** A TCP proxy to PostgreSQL that can be taken down and brought back on the same port. */
async function pgProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const up = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    port = (server!.address() as AddressInfo).port;
  };
  const down = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server!.close(() => r()));
  };
  await up();
  return { port: () => port, up, down };
}

let proxy: Awaited<ReturnType<typeof pgProxy>> | undefined;
if (onPostgres) {
  const url = new URL(process.env.DATABASE_URL!);
  proxy = await pgProxy(new URL(url));
  url.port = String(proxy.port());
  process.env.DATABASE_URL = url.toString(); // before anything opens the database
}

const out: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const { startDeliveryEngine } = await import("@/inngest/testing");
const { getDriver } = await import("@/lib/db/driver");
const { serveRoutes } = await import("@/tests/helpers/route-server");
const healthz = await import("@/app/healthz/route");
const readyz = await import("@/app/readyz/route");

let server: Awaited<ReturnType<typeof serveRoutes>>;
let stack: Awaited<ReturnType<typeof startDeliveryEngine>> | undefined;

beforeAll(async () => {
  server = await serveRoutes({ "/healthz": healthz, "/readyz": readyz });
  stack = await startDeliveryEngine();
}, 120_000);
afterAll(async () => {
  await stack?.close().catch(() => {});
  await server?.close();
});

async function probe(path: string) {
  const started = Date.now();
  const res = await fetch(`${server.origin}${path}`);
  // A problem+json or health body, read loosely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body = (await res.json()) as Record<string, any>;
  return { status: res.status, type: res.headers.get("content-type"), body, ms: Date.now() - started, id: res.headers.get("x-request-id") };
}

async function until(path: string, status: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await probe(path);
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe("probes", () => {
  it("/healthz: 200 JSON, never limited, and not logged at info", async () => {
    const all = await Promise.all(Array.from({ length: 40 }, () => probe("/healthz")));
    expect(all.every((r) => r.status === 200 && r.body.status === "ok" && r.type === "application/json")).toBe(true);
    const post = await fetch(`${server.origin}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect((await fetch(`${server.origin}/api/v1/nope`)).status).toBe(404); // an ordinary request, for contrast
    await new Promise((r) => setTimeout(r, 100));
    const info = out.join("").split("\n").filter((l) => l.includes('"msg":"request"') && l.includes('"level":"info"'));
    expect(info.filter((l) => l.includes('"route":"(unmatched)"') && l.includes('"status":404'))).toHaveLength(1);
    expect(info.filter((l) => l.includes('"route":"/healthz"'))).toEqual([]);
  });

  it("/readyz: 200 while the database and the executor answer", async () => {
    const r = await probe("/readyz");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", checks: { database: { status: "ok" }, executor: { status: "ok", mode: "embedded" } } });
  });

  it.runIf(onPostgres)("/readyz: 503 problem+json while PostgreSQL is unreachable, 200 again once it is back", async () => {
    await proxy!.down();
    const down = await until("/readyz", 503, 10_000);
    expect(down.status).toBe(503);
    expect(down.type).toBe("application/problem+json");
    expect(down.body).toMatchObject({ status: 503, code: "unavailable", instance: `urn:gatehouse:request:${down.id}`, checks: { database: { status: "failing" }, executor: { status: "ok" } } });
    expect(down.body.detail).toContain("database");
    expect(JSON.stringify(down.body)).not.toContain("postgres:"); // no connection string, no password
    expect(down.ms).toBeLessThan(5_000); // a probe answers within its timeout, it does not hang
    expect((await probe("/healthz")).status).toBe(200);

    await proxy!.up();
    const back = await until("/readyz", 200, 15_000);
    expect(back.status).toBe(200);
    expect(back.body.checks.database.status).toBe("ok");
  });

  it.runIf(!onPostgres)("/readyz: 503 problem+json once the embedded database is closed", async () => {
    const driver = await getDriver();
    if (driver.kind !== "pglite") throw new Error("expected PGlite");
    // The last test of the file: nothing uses the database after this but the probes.
    await stack!.close();
    stack = undefined;
    await driver.pglite.close();
    const down = await until("/readyz", 503, 10_000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: "unavailable", checks: { database: { status: "failing" } } });
    expect((await probe("/healthz")).status).toBe(200);
  });

  it.runIf(onPostgres)("/readyz: 503 naming the executor once it stops", async () => {
    await stack!.close();
    stack = undefined;
    const r = await until("/readyz", 503, 10_000);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ checks: { database: { status: "ok" }, executor: { status: "failing", mode: "embedded" } } });
    expect(r.body.detail).toContain("executor");
  });
});
