// The typed client (clients/typescript: openapi-typescript types + openapi-fetch), proved three
// ways against a real server on loopback: its types are what the served /api/v1/openapi.json
// generates (the committed file is current), they typecheck with tsc and refuse wrong calls, and
// the example's calls run against the server with answers as typed (every response is also
// checked against the document by tests/helpers/route-server.ts).
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exerciseApi } from "@/clients/typescript/example";
import { generateClientTypes } from "@/clients/typescript/generate";
import { createGatehouseClient } from "@/clients/typescript/index";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";

const root = path.resolve(import.meta.dirname, "..");
const clientDir = path.join(root, "clients/typescript");
const tmp = mkdtempSync(path.join(tmpdir(), "gatehouse-typed-client-"));
const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let receiver: http.Server;
let receiverUrl: string;
let token: string;

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  receiver = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const orgId = (await db.organization.create({ data: { name: "Typed" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "typed-client", expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
    scopes: ["endpoints:read", "endpoints:write", "events:read", "events:write", "deliveries:read"],
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  token = (await r.json()).access_token;
});
afterAll(async () => {
  await server?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  rmSync(tmp, { recursive: true, force: true });
});

async function tsc(project: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: root, timeout: 180_000 });
    return { ok: true, output: stdout };
  } catch (err) {
    return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
  }
}

describe("typed client", () => {
  it("is generated from the served document: the committed types are current (npm run client:generate)", async () => {
    const served = await (await fetch(`${server.origin}/api/v1/openapi.json`)).json();
    const fresh = await generateClientTypes(served);
    const committed = readFileSync(path.join(clientDir, "openapi.d.ts"), "utf8");
    expect(fresh === committed, "clients/typescript/openapi.d.ts is stale: run `npm run client:generate`").toBe(true);
    expect(fresh).toContain('"/api/v1/events"');
  });

  it("typechecks with tsc (strict), and tsc refuses calls the document does not allow", async () => {
    const good = await tsc(path.join(clientDir, "tsconfig.json"));
    expect(good.output).toBe("");
    expect(good.ok).toBe(true);

    // Wrong calls, one per line; each must be a type error. (An unknown query parameter is not:
    // openapi-fetch infers its options generically, so TypeScript's excess-property check does
    // not apply; the server refuses it with 422.)
    const bad = [
      `import type { GatehouseClient } from ${JSON.stringify(path.join(clientDir, "index"))};`,
      "export async function wrong(gh: GatehouseClient) {",
      '  await gh.GET("/api/v1/events", { params: { query: { limit: "two" } } });',
      '  await gh.GET("/api/v1/no-such-path");',
      '  await gh.POST("/api/v1/events", { body: { type: "invoice.paid" } });',
      '  const r = await gh.GET("/api/v1/events"); const n: number | undefined = r.data?.next_cursor; void n;',
      "}",
    ];
    writeFileSync(path.join(tmp, "wrong.ts"), bad.join("\n") + "\n");
    writeFileSync(
      path.join(tmp, "tsconfig.json"),
      JSON.stringify({ extends: path.join(clientDir, "tsconfig.json"), files: [path.join(tmp, "wrong.ts")] }),
    );
    const res = await tsc(path.join(tmp, "tsconfig.json"));
    expect(res.ok).toBe(false);
    const lines = [...res.output.matchAll(/wrong\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
    expect([...new Set(lines)].sort((a, b) => a - b)).toEqual([3, 4, 5, 6]);
  }, 400_000);

  it("runs the example's calls against a real server, with answers as typed", async () => {
    const gh = createGatehouseClient({ baseUrl: server.origin, token });
    const out = await exerciseApi(gh, receiverUrl);
    expect(out.endpointId).toMatch(/^ep_/);
    expect(out.secret).toMatch(/^whsec_/);
    expect(out.sent).toHaveLength(3);
    for (const s of out.sent) expect(s).toEqual({ id: expect.stringMatching(/^evt_/), deliveries: 1 });
    // limit: 2 is honoured, and the cursor leads to the third.
    expect(out.firstPage).toHaveLength(2);
    expect(out.cursor).toEqual(expect.any(String));
    expect(out.secondPage).toHaveLength(1);
    expect(new Set([...out.firstPage, ...out.secondPage].map((e) => e.id))).toEqual(new Set(out.sent.map((s) => s.id)));
    expect(out.deliveryStatuses).toHaveLength(1);
    expect(out.deliveries.length).toBe(3);
    for (const d of out.deliveries) expect(d.endpoint_id).toBe(out.endpointId);
    // Errors arrive typed as the Problem schema.
    expect(out.notFound.status).toBe(404);
    expect(out.notFound.problem).toMatchObject({ status: 404, code: expect.any(String), type: expect.stringMatching(/^urn:gatehouse:problem:/) });
    expect(out.refused.status).toBe(422);
    expect(out.refused.problem?.errors?.map((e) => e.field)).toContain("unknown_field");
  });
});
