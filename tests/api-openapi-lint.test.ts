// The OpenAPI document passes `redocly lint` (recommended rules, redocly.yaml) with no error and
// no warning, offline: the CLI runs with every non-loopback connection and DNS lookup refused
// (tests/helpers/no-network.cjs). Also: the `webhooks` section describes exactly what receivers
// get, and the main operations carry examples (which the lint checks against their schemas).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { payloadFor, signatureHeader } from "@/lib/deliveries/attempt-delivery";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-redocly-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Lint = { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };

async function redoclyLint(doc: unknown): Promise<{ report: Lint; network: string[] }> {
  const file = path.join(dir, `openapi-${Date.now()}.json`);
  const log = path.join(dir, "network.log");
  writeFileSync(file, JSON.stringify(doc));
  rmSync(log, { force: true });
  const cli = path.join(root, "node_modules/@redocly/cli/bin/cli.js");
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: "off",
    REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
    NO_NETWORK_LOG: log,
    // Not on the proxy route either.
    HTTP_PROXY: "",
    HTTPS_PROXY: "",
  };
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ["--require", path.join(root, "tests/helpers/no-network.cjs"), cli, "lint", file, "--config", path.join(root, "redocly.yaml"), "--format=json"],
      { cwd: root, env, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (err) {
    // Exit status 1 when the lint finds errors; the JSON report is still on stdout.
    stdout = (err as { stdout?: string }).stdout ?? "";
    if (!stdout.trim().startsWith("{")) throw err;
  }
  const network = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : [];
  return { report: JSON.parse(stdout) as Lint, network };
}

describe("redocly lint", () => {
  it("passes with the recommended rules, no warning, and without the network", async () => {
    const { report, network } = await redoclyLint(openApiDocument(undefined));
    const found = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(found).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(network).toEqual([]); // it did not even try
  });

  it("runs the tool really offline: the preload refuses a connection to a public address", async () => {
    const log = path.join(dir, "probe.log");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--require", path.join(root, "tests/helpers/no-network.cjs"), "-e", "fetch('https://registry.npmjs.org/').then(() => console.log('reached'), (e) => console.log('refused', e.cause?.code))"],
      { env: { ...process.env, NO_NETWORK_LOG: log }, timeout: 30_000 },
    );
    expect(stdout.trim()).toBe("refused ENETUNREACH");
    expect(readFileSync(log, "utf8")).toContain("connect registry.npmjs.org:443");
  });

  it("fails on an example that does not match its schema, and on an operation without a 4XX (the rules are on)", async () => {
    const doc = structuredClone(openApiDocument(undefined)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    doc.paths["/api/v1/events"].post.requestBody.content["application/json"].examples.example.value.unknown_field = 1;
    doc.paths["/api/v1/openapi.json"].get.responses = { "200": doc.paths["/api/v1/openapi.json"].get.responses["200"] };
    const { report } = await redoclyLint(doc);
    expect(report.problems.map((p) => p.ruleId).sort()).toEqual(["no-invalid-media-type-examples", "operation-4xx-response"]);
  });
});

describe("OpenAPI webhooks and examples", () => {
  const doc = openApiDocument(undefined) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("describes the delivery a receiver gets: the envelope payloadFor() sends and the Standard Webhooks headers", () => {
    const op = doc.webhooks.event.post;
    const headers = (op.parameters as { in: string; name: string; required?: boolean }[]).filter((p) => p.in === "header");
    expect(headers.filter((h) => h.required).map((h) => h.name).sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
    expect(headers.map((h) => h.name)).toEqual(expect.arrayContaining(["authorization", "user-agent"]));

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, "doc");
    const envelope = ajv.getSchema("doc#/components/schemas/WebhookEvent")!;
    const body = payloadFor({ id: "evt_1", type: "invoice.paid", createdAt: new Date("2026-11-02T09:30:00Z"), environment: "live", payload: { a: [1, { b: null }] } });
    expect(envelope(JSON.parse(body)), JSON.stringify(envelope.errors)).toBe(true);
    // Every field the envelope carries is declared and required (a new field must be documented).
    expect(Object.keys(JSON.parse(body)).sort()).toEqual([...doc.components.schemas.WebhookEvent.required].sort());
    // The example verifies as a real delivery would: the documented signature format.
    const sig = signatureHeader(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_1", new Date(), body);
    expect(sig).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(op.responses["410"]).toBeTruthy();
  });

  it("has examples on the main operations", () => {
    const json = (o: any, where: "request" | "response", status = "200") => // eslint-disable-line @typescript-eslint/no-explicit-any
      where === "request" ? o.requestBody.content["application/json"].examples : o.responses[status].content["application/json"].examples;
    expect(json(doc.paths["/api/v1/events"].get, "response").example.value.data).toHaveLength(1);
    expect(json(doc.paths["/api/v1/events"].post, "request").example.value.type).toBe("invoice.paid");
    expect(json(doc.paths["/api/v1/events"].post, "response", "202").example.value.id).toMatch(/^evt_/);
    expect(json(doc.paths["/api/v1/endpoints"].post, "request").example.value.url).toMatch(/^https:/);
    expect(json(doc.paths["/api/v1/endpoints"].post, "response", "201").example.value.secret).toMatch(/^whsec_/);
    expect(json(doc.paths["/api/v1/deliveries"].get, "response").example.value.data[0].status).toBe("succeeded");
    expect(doc.paths["/oauth/token"].post.requestBody.content["application/x-www-form-urlencoded"].examples.example.value.grant_type).toBe("client_credentials");
  });
});
