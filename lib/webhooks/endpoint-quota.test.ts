// Deliveries under stress, finding 5: one org had 403 endpoints, each costing deliveries and
// executor slots on every event. Creating past GATEHOUSE_MAX_ENDPOINTS per environment is a 409
// that says why, also when the creates race; the other environment and other orgs are unaffected.
import { expect, it } from "vitest";
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

process.env.GATEHOUSE_MAX_ENDPOINTS = "3";
const ctx = { actor: { type: "system" as const, id: null, label: "test" } };

const create = (orgId: string, environment: "test" | "live", name: string) =>
  createEndpoint({ orgId, environment, name, url: "https://example.com/hook", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });

it("refuses the endpoint past the quota with 409, even when the creates race", async () => {
  const org = (await db.organization.create({ data: { name: "Many endpoints" } })).id;
  const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => create(org, "test", `ep ${i}`)));
  expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(3);
  for (const s of settled.filter((x) => x.status === "rejected")) {
    const err = (s as PromiseRejectedResult).reason as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/already has 3 endpoints, the most an organization may have \(3\)/);
  }
  expect(await db.endpoint.count({ where: { orgId: org, environment: "test" } })).toBe(3);
  await create(org, "live", "live one"); // the other environment has its own
  const other = (await db.organization.create({ data: { name: "Other" } })).id;
  await create(other, "test", "theirs");
});
