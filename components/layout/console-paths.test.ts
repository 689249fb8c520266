import { describe, expect, it } from "vitest";
import { detailListOf, listOf } from "@/components/layout/console-paths";

describe("detailListOf", () => {
  it("maps a detail page to its list", () => {
    expect(detailListOf("/settings/organization/webhooks/endpoints/ep_1")).toBe("/settings/organization/webhooks");
    expect(detailListOf("/settings/organization/credentials/cred_1")).toBe("/settings/organization/credentials");
  });
  it("leaves lists and other pages alone", () => {
    for (const p of [
      "/settings/organization/webhooks",
      "/settings/organization/webhooks/deliveries",
      "/settings/organization/webhooks/endpoints",
      "/settings/organization/credentials",
      "/settings/organization/audit-log",
      "/settings/account",
    ]) {
      expect(detailListOf(p)).toBeNull();
    }
  });
});

describe("listOf", () => {
  it("names the list a path belongs to", () => {
    expect(listOf("/settings/organization/webhooks/endpoints/x")).toEqual({ href: "/settings/organization/webhooks", label: "webhooks" });
    expect(listOf("/settings/organization/credentials/x").label).toBe("credentials");
    expect(listOf("/somewhere").href).toBe("/settings/organization/general");
  });
});
