import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";
import { openApiDocument } from "@/lib/api/openapi";

type Op = {
  operationId?: string;
  tags?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
const METHODS = ["get", "post", "put", "patch", "delete"];

async function doc() {
  return (await GET(new Request("http://127.0.0.1/api/v1/openapi.json"))).json();
}
function operations(d: { paths: Record<string, Record<string, Op>> }): [string, string, Op][] {
  return Object.entries(d.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]) => [path, m, op] as [string, string, Op]),
  );
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with the schemas of the routes", async () => {
    const d = await doc();
    expect(d.openapi).toBe("3.1.0");
    const create = d.paths["/api/v1/credentials"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["name", "scopes"]));
    expect(body.properties.token_lifetime_seconds).toMatchObject({ minimum: 300, maximum: 86400 });
    expect(create.responses["422"].content["application/problem+json"]).toBeTruthy();
    expect(d.paths["/api/v1/audit-events"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["actor", "action", "from", "to", "limit", "cursor"]),
    );
    expect(d.paths["/oauth/token"].post.responses["401"]).toBeTruthy();
    const stats = d.paths["/api/v1/endpoints/{id}/stats"].get;
    expect(stats.parameters.find((p: { name: string }) => p.name === "window").schema.enum).toEqual(["24h", "7d"]);
    expect(stats.responses["422"].content["application/problem+json"]).toBeTruthy();
  });

  it("every operation has a unique operationId and a tag", async () => {
    const ops = operations(await doc());
    expect(ops.length).toBeGreaterThan(55);
    const ids = ops.map(([, , op]) => op.operationId);
    for (const [path, m, op] of ops) {
      expect(op.operationId, `${m} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.tags?.length, `${m} ${path}`).toBe(1);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const d = await doc();
    expect(d.paths["/api/v1/endpoints"].get.operationId).toBe("listEndpoints");
    expect(d.paths["/api/v1/endpoints"].post.operationId).toBe("createEndpoint");
  });

  it("the Problem schema allows instance and extension members", async () => {
    const p = (await doc()).components.schemas.Problem;
    expect(p.properties.instance).toBeTruthy();
    expect(p.additionalProperties).not.toBe(false);
  });

  it("every list declares limit and cursor and the 422 of a bad cursor", async () => {
    const lists = operations(await doc()).filter(([, m, op]) => {
      const s = op.responses["200"]?.content?.["application/json"]?.schema as { properties?: Record<string, unknown> } | undefined;
      return m === "get" && s?.properties?.next_cursor;
    });
    expect(lists.length).toBe(17);
    for (const [path, , op] of lists) {
      const names = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      expect(names, path).toEqual(expect.arrayContaining(["limit", "cursor"]));
      expect(op.responses["422"], path).toBeTruthy();
    }
  });

  it("operations with a body declare 400 (malformed JSON), 413, 415 and 422, and refuse unknown fields", async () => {
    for (const [path, m, op] of operations(await doc())) {
      const json = op.requestBody?.content["application/json"];
      if (!json) continue;
      for (const s of ["400", "413", "415", "422"]) expect(op.responses[s], `${m} ${path} ${s}`).toBeTruthy();
      const schema = json.schema as { additionalProperties?: unknown; $ref?: string };
      if (!schema.$ref) expect(schema.additionalProperties, `${m} ${path}`).toBe(false);
    }
  });


  it("every operation that touches the database declares its 503 (the database is down), with Retry-After on token calls", async () => {
    // What needs no database: the discovery document.
    const noDatabase = new Set(["get /.well-known/oauth-authorization-server"]);
    const d = await doc();
    const missing: string[] = [];
    for (const [path, m, op] of operations(d)) {
      if (noDatabase.has(`${m} ${path}`)) continue;
      const r = op.responses["503"] as { content?: Record<string, unknown>; headers?: Record<string, unknown> } | undefined;
      if (!r) {
        missing.push(`${m} ${path}`);
        continue;
      }
      // problem+json on the API and incoming webhooks; RFC 6749 JSON (temporarily_unavailable) on /oauth.
      expect(Object.keys(r.content ?? {}), `${m} ${path}`).toEqual([path.startsWith("/oauth/") ? "application/json" : "application/problem+json"]);
      if (path.startsWith("/api/v1/") && (op as { security?: Record<string, unknown>[] }).security?.some((s) => "oauth2" in s)) {
        expect(r.headers?.["Retry-After"], `${m} ${path}`).toBeTruthy();
      }
    }
    expect(missing).toEqual([]);
  });
  it("declares the JSON export, servers and a license", async () => {
    const d = await doc();
    const exp = d.paths["/api/v1/audit-events/export"].get.responses["200"].content;
    expect(Object.keys(exp).sort()).toEqual(["application/json", "text/csv"]);
    expect(exp["application/json"].schema.type).toBe("array");
    expect(d.servers).toEqual([{ url: "/" }]);
    expect(openApiDocument("https://gatehouse.example.com").servers).toEqual([{ url: "https://gatehouse.example.com" }]);
    expect(d.info.license.name).toBeTruthy();
    expect(d.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe("/oauth/token");
  });
});
