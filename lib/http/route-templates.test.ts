import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileRouteTemplates, findAppRouteTemplates } from "@/lib/http/route-templates";

describe("route templates", () => {
  const t = compileRouteTemplates(findAppRouteTemplates(path.resolve(import.meta.dirname, "../../app")));
  it("names what answered by template, never by a path's values", () => {
    expect(t.templateOf("/")).toBe("/");
    expect(t.templateOf("/invite/inv_secret_token_value")).toBe("/invite/[token]");
    expect(t.templateOf("/settings/organization/credentials")).toBe("/settings/organization/credentials");
    expect(t.templateOf("/settings/organization/credentials/cred_1")).toBe("/settings/organization/credentials/[id]");
    expect(t.templateOf("/api/v1/endpoints/ep_1/rotate-secret")).toBe("/api/v1/endpoints/[id]/rotate-secret");
    expect(t.templateOf("/api/v1/no/such/thing")).toBe("/api/v1/[...rest]");
    expect(t.templateOf("/api/auth/callback/credentials")).toBe("/api/auth/[...nextauth]");
    expect(t.templateOf("/_next/static/chunks/abc.js")).toBe("/_next/static");
    expect(t.templateOf("/wp-login.php")).toBe("(unmatched)");
    expect(t.templateOf("/invite/a/b")).toBe("(unmatched)");
  });
});
