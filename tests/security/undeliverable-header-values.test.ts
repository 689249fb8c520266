// Header values that cannot be sent (issue 12, finding 13): non-Latin-1 or control characters
// passed validation, and then every delivery to the endpoint failed with 0 attempts and a stack
// trace in EngineRun.error. Here: the API refuses them (422 on the field) with the rule the form
// shares (printable ASCII, space and tab), and a row that holds one anyway (planted in the database) makes recorded failed
// attempts with a clear error, through the real delivery function on the embedded executor.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.GATEHOUSE_RETRY_SCHEDULE = "1s"; // 2 attempts, 1 s apart
});

import { startReceiver, type Receiver } from "@/e2e/receiver";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as endpoint from "@/app/api/v1/endpoints/[id]/route";
import { waitFor } from "@/inngest/engine/testing";
import { startDeliveryEngine } from "@/inngest/testing";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { encrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { sendRequest } from "@/lib/deliveries/send-request";
import { ingestEvent } from "@/lib/events/ingest-event";
import { endpointFormSchema, EMPTY_ENDPOINT_FORM } from "@/components/webhooks/endpoint-form";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;
let receiver: Receiver;
let stack: Awaited<ReturnType<typeof startDeliveryEngine>>;
let orgId: string;
let bearer: string;

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints": endpoints, "/api/v1/endpoints/[id]": endpoint });
  receiver = await startReceiver();
  stack = await startDeliveryEngine();
  orgId = (await db.organization.create({ data: { name: "Header values" } })).id;
  const { credential, secret } = await createCredential({
    orgId, environment: "test", name: "svc", scopes: ["endpoints:read", "endpoints:write"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  bearer = (await r.json()).access_token;
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await server?.close();
});

function call(method: string, path: string, body: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function fieldsOf(res: Response): Promise<string[]> {
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return ((await res.json()).errors as { field: string }[]).map((e) => e.field);
}

const BAD_VALUES: [string, string][] = [
  ["emoji", "on ☕"],
  ["Latin-1 accents (sent as UTF-8 or Latin-1 depending on the body)", "café"],
  ["CJK", "日本"],
  ["U+2022 bullets", "••••x"],
  ["NUL", "a\u0000b"],
  ["CR", "a\rb"],
  ["LF", "a\nInjected: 1"],
  ["DEL", "a\u007fb"],
  ["C0 control", "a\u0001b"],
  ["lone surrogate", "a\ud800b"],
];
const BAD_NAMES = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Webhook-Signature", "webhook-anything", "Proxy-Authorization", "Proxy-Foo", "TE", "Bad Name", "X-Ünï", ""];

describe("creation and update refuse what cannot be sent", () => {
  it.each(BAD_VALUES)("a header value with %s: 422 on headers_json.X-Value (create and update)", async (_, value) => {
    expect(await fieldsOf(await call("POST", "/api/v1/endpoints", { name: "v", url: `${receiver.url}/v`, headers_json: { "X-Value": value } }))).toEqual([
      "headers_json.X-Value",
    ]);
    const ok = await call("POST", "/api/v1/endpoints", { name: "v2", url: `${receiver.url}/v` });
    const id = (await ok.json()).id;
    expect(await fieldsOf(await call("PATCH", `/api/v1/endpoints/${id}`, { headers_json: { "X-Value": value } }))).toEqual(["headers_json.X-Value"]);
  });

  it.each(BAD_NAMES)("a header named %j: 422 on its field", async (name) => {
    expect(await fieldsOf(await call("POST", "/api/v1/endpoints", { name: "n", url: `${receiver.url}/n`, headers_json: { [name]: "x" } }))).toEqual([
      `headers_json.${name}`,
    ]);
  });

  it("an auth token that cannot be sent in a header: 422 on auth_token", async () => {
    for (const t of ["tök☃", "a\nb"]) {
      expect(await fieldsOf(await call("POST", "/api/v1/endpoints", { name: "t", url: `${receiver.url}/t`, auth_token: t }))).toEqual(["auth_token"]);
    }
  });

  it("the form refuses the same values, on the row's value field, with the same rule", () => {
    for (const [, value] of BAD_VALUES.filter(([what]) => what !== "U+2022 bullets")) {
      const r = endpointFormSchema.safeParse({ ...EMPTY_ENDPOINT_FORM, name: "n", url: "https://example.com/", headers: [{ name: "X-Value", value }] });
      expect(r.success, JSON.stringify(value)).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["headers.0.value"]);
    }
    for (const name of BAD_NAMES.filter(Boolean)) {
      const r = endpointFormSchema.safeParse({ ...EMPTY_ENDPOINT_FORM, name: "n", url: "https://example.com/", headers: [{ name, value: "x" }] });
      expect(r.success, name).toBe(false);
    }
    const fine = endpointFormSchema.safeParse({ ...EMPTY_ENDPOINT_FORM, name: "n", url: "https://example.com/", headers: [{ name: "X-Ok", value: "cafe\tau lait ~!" }] });
    expect(fine.success).toBe(true);
  });

  it("printable ASCII, spaces and tabs are accepted and arrive as sent", async () => {
    const text = "Bearer-ish key=abc/123+~!#$%&'*^_`|; q=\"x\"\tend";
    const res = await call("POST", "/api/v1/endpoints", { name: "ascii", url: `${receiver.url}/ascii`, headers_json: { "X-Text": text } });
    expect(res.status).toBe(201);
    const id = (await res.json()).id;
    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: {}, onlyEndpointId: id });
    const got = await waitFor(async () => receiver.requests.find((q) => q.headers["webhook-id"] === r.pendingDeliveryIds[0]) ?? null, 30_000, "the delivery");
    expect(got.headers["x-text"]).toBe(text);
  });
});

describe("a row that holds an unsendable value anyway", () => {
  // Planted the way a row from before the rule, or written by hand, would look.
  it.each([
    ["a non-Latin-1 value (plaintext row)", { headers: { "X-Bad": "on ☕" }, headersEncrypted: false }, /custom header X-Bad cannot be sent/],
    ["a control character (encrypted row)", { headers: { "X-Bad": encrypt("a\u0001b") }, headersEncrypted: true }, /custom header X-Bad cannot be sent/],
    ["a reserved name", { headers: { Host: "evil.example" }, headersEncrypted: false }, /custom header "Host" cannot be sent/],
    ["a value that does not decrypt", { headers: { "X-Bad": "v1:AAAA" }, headersEncrypted: true }, /X-Bad cannot be decrypted/],
    ["a non-Latin-1 auth token", { authTokenEncrypted: encrypt("tök☃") }, /auth token cannot be sent/],
  ] as const)("%s: failed attempts with a clear error, never an exception in the run", async (name, planted, error) => {
    const res = await call("POST", "/api/v1/endpoints", { name, url: `${receiver.url}/planted` });
    const id = (await res.json()).id as string;
    await db.endpoint.update({ where: { id }, data: planted });
    const before = receiver.requests.filter((q) => q.path === "/planted").length;

    const r = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: {}, onlyEndpointId: id });
    const deliveryId = r.pendingDeliveryIds[0]!;
    const d = await waitFor(
      async () => {
        const x = await db.delivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attemptRows: { orderBy: { number: "asc" } } } });
        return x.status === "failed" ? x : null;
      },
      60_000,
      "the delivery to fail",
    );
    expect(d.attemptRows).toHaveLength(2);
    for (const a of d.attemptRows) {
      expect(a.error).toMatch(/^refused: /);
      expect(a.error).toMatch(error);
      expect(a.responseStatus).toBeNull();
    }
    expect(d.lastError).toMatch(error);
    expect(receiver.requests.filter((q) => q.path === "/planted").length).toBe(before);
    // The run ended normally: its failure is the delivery's, not a crash with a stack trace.
    const runs = await sql<{ status: string; error: string | null }>(
      `SELECT "status"::text AS "status", "error"::text AS "error" FROM "EngineRun" WHERE "event"::text LIKE $1`,
      [`%${deliveryId}%`],
    );
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.error ?? "").not.toMatch(/\n\s+at |ERR_INVALID_CHAR|TypeError/);
  });

  it("sendRequest itself turns what Node refuses to send into an error result, not an exception", async () => {
    const r = await sendRequest({ url: `${receiver.url}/direct`, headers: { "x-bad": "☕" }, body: "{}", timeoutMs: 2000, allowPrivate: true });
    expect(r).toMatchObject({ status: null, error: expect.stringMatching(/^request not sent: .*x-bad/i) });
  });
});
