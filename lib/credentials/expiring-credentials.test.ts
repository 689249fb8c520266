// Expiry reminders: active credentials expiring within 30 days, each in the window it has
// reached (30, 7, 1 day), soonest first; revoked, expired, far-off and never-expiring ones are not
// listed, nor those of the other environment. The clock is injected.
import { beforeAll, expect, it } from "vitest";
import { createCredential, revokeCredential } from "@/lib/credentials/manage-credentials";
import { expiringCredentials } from "@/lib/credentials/expiring-credentials";
import { db } from "@/lib/db/client";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
let orgId: string;
const DAY = 86400_000;

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Expiry" } })).id;
});

it("lists credentials by the reminder window they have reached", async () => {
  const now = Date.now();
  const make = (name: string, inMs: number | null, environment: "test" | "live" = "test") =>
    createCredential({ orgId, environment, name, scopes: [], expiresAt: inMs === null ? null : new Date(now + inMs), tokenLifetimeSeconds: 3600, createdById: null, ctx });
  await make("tomorrow-ish", 20 * 3600_000);
  await make("in five days", 5 * DAY);
  await make("in twenty days", 20 * DAY);
  await make("in sixty days", 60 * DAY);
  await make("never", null);
  await make("live one", 2 * DAY, "live");
  const { credential: revoked } = await make("revoked", 3 * DAY);
  await revokeCredential({ orgId, environment: "test", id: revoked.id, ctx });

  const list = await expiringCredentials({ orgId, environment: "test", now: new Date(now) });
  expect(list.map((c) => [c.name, c.withinDays])).toEqual([
    ["tomorrow-ish", 1],
    ["in five days", 7],
    ["in twenty days", 30],
  ]);
  // Two weeks on, the twenty-day one is within 7 days, and the first two have expired.
  const later = await expiringCredentials({ orgId, environment: "test", now: new Date(now + 14 * DAY) });
  expect(later.map((c) => [c.name, c.withinDays])).toEqual([["in twenty days", 7]]);
});
