// The contract checker itself: it must refuse what the document does not declare, or the
// suite's "every response conforms" proves nothing.
import { describe, expect, it } from "vitest";
import { responseViolations } from "@/tests/helpers/openapi-validator";

const problem = (status: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "urn:gatehouse:problem:x", title: "T", status, detail: "d", code: "x", instance: "/api/v1/endpoints", ...extra });
const check = (method: string, path: string, status: number, contentType: string | undefined, body: string) =>
  responseViolations({ method, path, status, contentType, body });

describe("responseViolations", () => {
  it("accepts a declared problem, with instance and extension members (RFC 9457)", () => {
    expect(check("GET", "/api/v1/endpoints", 401, "application/problem+json", problem(401, { trace_id: "abc" }))).toEqual([]);
  });
  it("accepts a declared list response and refuses one missing a required member or with an undeclared one", () => {
    expect(check("GET", "/api/v1/members", 200, "application/json", JSON.stringify({ data: [], next_cursor: null }))).toEqual([]);
    expect(check("GET", "/api/v1/members", 200, "application/json", JSON.stringify({ data: [] }))).toHaveLength(1);
    expect(check("GET", "/api/v1/members", 200, "application/json", JSON.stringify({ data: [], next_cursor: null, total: 1 }))).toHaveLength(1);
  });
  it("refuses an undeclared status", () => {
    expect(check("GET", "/api/v1/members", 418, "application/problem+json", problem(418))[0]).toMatch(/status 418 is not declared/);
  });
  it("refuses an undeclared media type", () => {
    expect(check("GET", "/api/v1/members", 200, "text/html", "<html>")[0]).toMatch(/media type text\/html is not declared/);
    expect(check("GET", "/api/v1/members", 401, "application/json", problem(401))[0]).toMatch(/media type/);
  });
  it("refuses a problem body that is not a problem", () => {
    expect(check("GET", "/api/v1/members", 401, "application/problem+json", JSON.stringify({ error: "x" }))).toHaveLength(1);
  });
  it("unknown paths: only a 404 problem", () => {
    expect(check("GET", "/api/v1/nope", 404, "application/problem+json", problem(404))).toEqual([]);
    expect(check("GET", "/api/v1/nope", 404, "text/html", "<html>")).toHaveLength(1);
    expect(check("GET", "/api/v1/nope", 200, "application/json", "{}")[0]).toMatch(/not in the document/);
  });
  it("methods a path does not have: only a 405 problem (an OAuth error on /oauth)", () => {
    expect(check("PUT", "/api/v1/events", 405, "application/problem+json", problem(405))).toEqual([]);
    expect(check("PUT", "/api/v1/events", 405, undefined, "")).toHaveLength(1);
    expect(check("GET", "/oauth/token", 405, "application/json", JSON.stringify({ error: "invalid_request", error_description: "POST" }))).toEqual([]);
  });
  it("static segments win over templates (deliveries/stats is not deliveries/{id})", () => {
    expect(check("GET", "/api/v1/deliveries/stats", 200, "application/json", JSON.stringify({ data: [], next_cursor: null }))).toEqual([]);
  });
  it("a response the document declares without a body must have none", () => {
    expect(check("DELETE", "/api/v1/endpoints/ep_1", 204, undefined, "")).toEqual([]);
    expect(check("DELETE", "/api/v1/endpoints/ep_1", 204, "application/json", "{}")).toHaveLength(1);
  });
  it("the JSON export is an array of audit events; CSV is declared too", () => {
    expect(check("GET", "/api/v1/audit-events/export", 200, "application/json; charset=utf-8", "[]")).toEqual([]);
    expect(check("GET", "/api/v1/audit-events/export", 200, "text/csv; charset=utf-8", "id,seq\r\n")).toEqual([]);
    expect(check("GET", "/api/v1/audit-events/export", 200, "application/json", "[{}]")).toHaveLength(1);
  });
});
