import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with the schemas of the routes", async () => {
    const doc = await (await GET()).json();
    expect(doc.openapi).toBe("3.1.0");
    const create = doc.paths["/api/v1/credentials"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["name", "scopes"]));
    expect(body.properties.token_lifetime_seconds).toMatchObject({ minimum: 300, maximum: 86400 });
    expect(create.responses["422"].content["application/problem+json"]).toBeTruthy();
    expect(doc.paths["/api/v1/audit-events"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["actor", "action", "from", "to", "limit", "cursor"]),
    );
    expect(doc.paths["/oauth/token"].post.responses["401"]).toBeTruthy();
    const stats = doc.paths["/api/v1/endpoints/{id}/stats"].get;
    expect(stats.parameters.find((p: { name: string }) => p.name === "window").schema.enum).toEqual(["24h", "7d"]);
    expect(stats.responses["422"].content["application/problem+json"]).toBeTruthy();
  });
});
