import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findLeanRoutes, isLeanRequest } from "@/lib/http/lean-routes";
import { matchRoute } from "@/lib/http/node-adapter";

const appDir = path.resolve(__dirname, "../../app");

describe("the lean layer's routes", () => {
  const routes = findLeanRoutes(appDir);
  const route = (p: string) => routes.find((r) => matchRoute(r.pattern, p));

  it("finds the machine-facing route files with Next.js's URL patterns", () => {
    expect(route("/oauth/token")?.pattern).toBe("/oauth/token");
    expect(route("/in/inw_123")?.pattern).toBe("/in/[id]");
    expect(route("/api/inngest")?.pattern).toBe("/api/inngest");
    expect(route("/.well-known/oauth-authorization-server")?.pattern).toBe("/.well-known/oauth-authorization-server");
    expect(route("/api/v1/endpoints/ep_1/rotate-secret")?.pattern).toBe("/api/v1/endpoints/[id]/rotate-secret");
    expect(route("/api/v1/inbound-webhooks/w/messages/m/replay")?.pattern).toBe("/api/v1/inbound-webhooks/[id]/messages/[messageId]/replay");
    for (const r of routes) expect(existsSync(r.file)).toBe(true);
  });

  it("prefers a static segment over a dynamic one", () => {
    expect(route("/api/v1/deliveries/replay-failed")?.pattern).toBe("/api/v1/deliveries/replay-failed");
    expect(route("/api/v1/deliveries/stats")?.pattern).toBe("/api/v1/deliveries/stats");
    expect(route("/api/v1/deliveries/dlv_1")?.pattern).toBe("/api/v1/deliveries/[id]");
  });

  it("never serves the console, sign-in or session calls", () => {
    expect(route("/api/auth/session")).toBeUndefined();
    expect(isLeanRequest("/api/v1/members", undefined)).toBe(false);
    expect(isLeanRequest("/api/v1/members", "Basic abc")).toBe(false);
    expect(isLeanRequest("/api/v1/members", "Bearer gat_test_x")).toBe(true);
    expect(isLeanRequest("/oauth/token", undefined)).toBe(true);
    expect(isLeanRequest("/settings/organization", "Bearer x")).toBe(false);
    expect(isLeanRequest("/api/health", undefined)).toBe(false);
  });
});

describe("matchRoute", () => {
  it("decodes params and refuses empty or malformed segments", () => {
    expect(matchRoute("/a/[id]", "/a/x%20y")).toEqual({ id: "x y" });
    expect(matchRoute("/a/[id]", "/a/")).toBeNull();
    expect(matchRoute("/a/[id]", "/a/%E0%A4%A")).toBeNull();
    expect(matchRoute("/a/[id]", "/a/b/c")).toBeNull();
  });
});
