import { beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/record-audit-event";
import { InvalidAuditCursorError, iterateAuditEvents, listAuditEvents } from "@/lib/audit/list-audit-events";
import { auditEventListQuerySchema, auditEventSchema, auditExportQuerySchema } from "@/lib/validations/audit";

let db: Db;
let orgId: string;
let otherOrgId: string;
const ada: AuditActor = { type: "user", id: "user_ada", label: "Ada Lovelace <ada@example.com>" };
const ci: AuditActor = { type: "credential", id: "cred_CI42", label: "CI deploy" };

// Twelve events with known order, actors, actions, targets, environments and times.
const spec = [
  { actor: ada, action: "member.invited", target: "inv_1", env: null },
  { actor: ada, action: "member.role_changed", target: "mem_1", env: null },
  { actor: ci, action: "credential.created", target: "cred_1", env: "test" },
  { actor: ci, action: "credential.revoked", target: "cred_1", env: "test" },
  { actor: ada, action: "endpoint.created", target: "ep_1", env: "live" },
  { actor: ada, action: "endpoint.paused", target: "ep_1", env: "live" },
  { actor: ci, action: "event.sent", target: "evt_1", env: "live" },
  { actor: ci, action: "event.sent", target: "evt_2", env: "live" },
  { actor: ada, action: "member.removed", target: "mem_1", env: null },
  { actor: ada, action: "membership.noted", target: "x", env: null },
  { actor: ci, action: "credential.created", target: "cred_2", env: "live" },
  { actor: ada, action: "endpoint.resumed", target: "ep_1", env: "live" },
] as const;
const times: Date[] = [];

beforeAll(async () => {
  db = await getDb();
  orgId = (await db.organization.create({ data: { name: "Acme" } })).id;
  otherOrgId = (await db.organization.create({ data: { name: "Other" } })).id;
  for (const s of spec) {
    const row = await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        orgId,
        environment: s.env,
        ctx: { actor: s.actor, ip: "192.0.2.1", userAgent: "curl/8" },
        action: s.action,
        target: { type: s.action.split(".")[0]!, id: s.target, label: `${s.target} label` },
        after: { n: 1 },
      }),
    );
    times.push(row.createdAt);
    await new Promise((r) => setTimeout(r, 3)); // distinct millisecond timestamps
  }
  await db.$transaction((tx) =>
    recordAuditEvent(tx, { orgId: otherOrgId, ctx: { actor: ada }, action: "member.invited", target: { type: "member", id: "inv_1" } }),
  );
});

const actions = (r: { data: { action: string }[] }) => r.data.map((e) => e.action);

describe("listAuditEvents", () => {
  it("returns the org's events newest first, in the API shape", async () => {
    const r = await listAuditEvents(db, { orgId });
    expect(actions(r)).toEqual(spec.map((s) => s.action).reverse());
    expect(r.next_cursor).toBeNull();
    const newest = r.data[0]!;
    expect(auditEventSchema.parse(newest)).toEqual(newest);
    expect(newest).toMatchObject({
      action: "endpoint.resumed",
      actor: { type: "user", id: "user_ada", label: "Ada Lovelace <ada@example.com>" },
      target: { type: "endpoint", id: "ep_1", label: "ep_1 label" },
      environment: "live",
      ip: "192.0.2.1",
      user_agent: "curl/8",
      before: null,
      after: { n: 1 },
      prev_hash: r.data[1]!.hash,
    });
    expect(newest.created_at).toBe(times[11]!.toISOString());
  });

  it("pages with an opaque cursor without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await listAuditEvents(db, { orgId, limit: 5, cursor });
      expect(r.data.length).toBeLessThanOrEqual(5);
      seen.push(...r.data.map((e) => e.id));
      cursor = r.next_cursor ?? undefined;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    const all = await listAuditEvents(db, { orgId, limit: 100 });
    expect(seen).toEqual(all.data.map((e) => e.id));
  });

  it("says there is no next page when the last page is exactly full", async () => {
    const r = await listAuditEvents(db, { orgId, limit: 12 });
    expect(r.data).toHaveLength(12);
    expect(r.next_cursor).toBeNull();
  });

  it("filters by actor label or id, case-insensitively", async () => {
    expect((await listAuditEvents(db, { orgId, actor: "ADA@example" })).data).toHaveLength(7);
    expect((await listAuditEvents(db, { orgId, actor: "ci42" })).data).toHaveLength(5);
    expect((await listAuditEvents(db, { orgId, actor: "deploy" })).data).toHaveLength(5);
    expect((await listAuditEvents(db, { orgId, actor: "nobody" })).data).toHaveLength(0);
  });

  it("filters by exact action or by a prefix ending in a dot", async () => {
    expect(actions(await listAuditEvents(db, { orgId, action: "credential.created" }))).toEqual([
      "credential.created",
      "credential.created",
    ]);
    // "member." must not match "membership.noted".
    expect(actions(await listAuditEvents(db, { orgId, action: "member." }))).toEqual([
      "member.removed",
      "member.role_changed",
      "member.invited",
    ]);
    expect((await listAuditEvents(db, { orgId, action: "member" })).data).toHaveLength(0);
  });

  it("filters by target, environment and time, and combines filters", async () => {
    expect(actions(await listAuditEvents(db, { orgId, targetId: "ep_1" }))).toEqual([
      "endpoint.resumed",
      "endpoint.paused",
      "endpoint.created",
    ]);
    expect((await listAuditEvents(db, { orgId, environment: "test" })).data).toHaveLength(2);
    expect((await listAuditEvents(db, { orgId, environment: "live" })).data).toHaveLength(6);
    expect(actions(await listAuditEvents(db, { orgId, from: times[2], to: times[4] }))).toEqual([
      "endpoint.created",
      "credential.revoked",
      "credential.created",
    ]);
    expect(
      actions(await listAuditEvents(db, { orgId, actor: "ci", environment: "live", action: "credential." })),
    ).toEqual(["credential.created"]);
  });

  it("pages through a filtered list", async () => {
    const p1 = await listAuditEvents(db, { orgId, environment: "live", limit: 4 });
    const p2 = await listAuditEvents(db, { orgId, environment: "live", limit: 4, cursor: p1.next_cursor! });
    expect([...actions(p1), ...actions(p2)]).toEqual(spec.filter((s) => s.env === "live").map((s) => s.action).reverse());
    expect(p2.next_cursor).toBeNull();
  });

  it("never shows another organization's events", async () => {
    const r = await listAuditEvents(db, { orgId: otherOrgId });
    expect(r.data).toHaveLength(1);
    expect((await listAuditEvents(db, { orgId, targetId: "inv_1" })).data).toHaveLength(1);
  });

  it("rejects a cursor it did not make", async () => {
    await expect(listAuditEvents(db, { orgId, cursor: "bm90LWEtbnVtYmVy" })).rejects.toBeInstanceOf(InvalidAuditCursorError);
  });
});

describe("iterateAuditEvents", () => {
  it("yields every matching event across batches, newest first", async () => {
    const ids: string[] = [];
    for await (const e of iterateAuditEvents(db, { orgId }, 5)) ids.push(e.id);
    expect(ids).toEqual((await listAuditEvents(db, { orgId, limit: 100 })).data.map((e) => e.id));
    const live: string[] = [];
    for await (const e of iterateAuditEvents(db, { orgId, environment: "live" }, 2)) live.push(e.action);
    expect(live).toHaveLength(6);
  });
});

describe("audit query schemas", () => {
  it("parses query parameters into filters", () => {
    const q = auditEventListQuerySchema.parse({
      actor: " ada ",
      action: "member.",
      target_id: "ep_1",
      from: "2026-11-01T00:00:00Z",
      to: "2026-11-02T00:00:00+01:00",
      environment: "live",
      limit: "20",
    });
    expect(q).toEqual({
      actor: "ada",
      action: "member.",
      target_id: "ep_1",
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-01T23:00:00Z"),
      environment: "live",
      limit: 20,
    });
    expect(auditEventListQuerySchema.parse({}).limit).toBe(50);
    expect(auditExportQuerySchema.parse({}).format).toBe("csv");
  });

  it("rejects bad values with field paths", () => {
    const bad = (input: Record<string, string>) =>
      auditEventListQuerySchema.safeParse(input).error?.issues.map((i) => i.path.join("."));
    expect(bad({ limit: "0" })).toEqual(["limit"]);
    expect(bad({ limit: "101" })).toEqual(["limit"]);
    expect(bad({ from: "yesterday" })).toEqual(["from"]);
    expect(bad({ environment: "prod" })).toEqual(["environment"]);
    expect(bad({ cursor: "not a cursor" })).toEqual(["cursor"]);
    expect(bad({ from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" })).toEqual(["to"]);
    expect(auditExportQuerySchema.safeParse({ format: "xml" }).success).toBe(false);
  });

  it("accepts the cursors the list returns", async () => {
    const r = await listAuditEvents(db, { orgId, limit: 1 });
    expect(auditEventListQuerySchema.parse({ cursor: r.next_cursor }).cursor).toBe(r.next_cursor);
  });
});
