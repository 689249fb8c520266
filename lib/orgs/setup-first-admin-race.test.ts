import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { setupFirstAdmin } from "@/lib/orgs/setup-first-admin";

// Its own file, so its own empty database: two first-run setups racing each other.
describe("setupFirstAdmin under a race", () => {
  it("lets exactly one of two concurrent setups on an empty database win", async () => {
    const db = await getDb();
    const req = { ip: null, userAgent: "vitest" };
    const results = await Promise.allSettled([
      setupFirstAdmin({ name: "B", email: "b@example.com", password: "0123456789ab", orgName: "Org B" }, req),
      setupFirstAdmin({ name: "C", email: "c@example.com", password: "0123456789ab", orgName: "Org C" }, req),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    expect(await db.user.count()).toBe(1);
    expect(await db.organization.count()).toBe(1);
    expect(await db.membership.count({ where: { role: "owner" } })).toBe(1);
  });
});
