// Retention (deliveries under stress, finding 5): what is older than the retention period goes,
// with its deliveries and attempts; nothing undelivered goes, however old; recent data and the
// audit log stay.
import { expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { pruneExpired } from "@/lib/retention/prune-expired";

it("deletes old events with their deliveries and attempts, and old inbound messages, but nothing undelivered", async () => {
  const org = await db.organization.create({ data: { name: "Retention" } });
  const scope = { orgId: org.id, environment: "test" as const };
  const endpoint = await db.endpoint.create({
    data: { id: "ep_retention", ...scope, name: "r", url: "https://example.com/r", secretEncrypted: "x", eventTypes: [], webhookVersion: "2026-01-01" },
  });
  const old = new Date(Date.now() - 40 * 86_400_000);
  const mk = async (id: string, createdAt: Date, status: "succeeded" | "failed" | "pending" | "held") => {
    await db.event.create({ data: { id, ...scope, type: "run.completed", payload: {}, createdAt } });
    await db.delivery.create({
      data: { id: `msg_${id}`, ...scope, eventId: id, endpointId: endpoint.id, status, createdAt, attemptRows: { create: [{ number: 1, requestHeaders: {}, requestBody: "{}" }] } },
    });
  };
  await mk("evt_old_ok", old, "succeeded");
  await mk("evt_old_failed", old, "failed");
  await mk("evt_old_pending", old, "pending");
  await mk("evt_old_held", old, "held");
  await mk("evt_new", new Date(), "succeeded");
  const hook = await db.inboundWebhook.create({ data: { id: "iwh_retention", ...scope, name: "in", handler: "store", tokenHash: "h", tokenLast4: "abcd" } });
  const msg = (id: string, receivedAt: Date) =>
    db.inboundMessage.create({
      data: { id, webhookId: hook.id, ...scope, method: "POST", headers: [], body: Buffer.from("{}"), bodySize: 2, outcome: "stored", receivedAt },
    });
  await msg("imsg_old", old);
  await msg("imsg_new", new Date());
  const auditBefore = await db.auditEvent.count();

  const r = await pruneExpired({ days: 30, batch: 1 });
  expect(r).toMatchObject({ events: 2, inboundMessages: 1, rateLimitCounters: 0 });
  expect((await db.event.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } })).map((e) => e.id)).toEqual([
    "evt_new",
    "evt_old_held",
    "evt_old_pending",
  ]);
  expect(await db.deliveryAttempt.count({ where: { deliveryId: { in: ["msg_evt_old_ok", "msg_evt_old_failed"] } } })).toBe(0);
  expect((await db.inboundMessage.findMany({ where: { webhookId: hook.id } })).map((m) => m.id)).toEqual(["imsg_new"]);
  expect(await db.auditEvent.count()).toBe(auditBefore);
  expect(await pruneExpired({ days: 30 })).toMatchObject({ events: 0, inboundMessages: 0, rateLimitCounters: 0 });
});

it("deletes rejected-request log lines past their 7 days and dedup keys whose window has ended", async () => {
  const org = await db.organization.create({ data: { name: "Retention inbound" } });
  const scope = { orgId: org.id, environment: "test" as const };
  const hook = await db.inboundWebhook.create({ data: { id: "iwh_retention_rej", ...scope, name: "in", handler: "store", tokenHash: "h2", tokenLast4: "abcd" } });
  const rej = (id: string, receivedAt: Date) =>
    db.inboundRejection.create({ data: { id, webhookId: hook.id, ...scope, method: "POST", status: 401, reason: "token_invalid", detail: "no", receivedAt } });
  await rej("irej_old", new Date(Date.now() - 8 * 86_400_000));
  await rej("irej_new", new Date(Date.now() - 6 * 86_400_000));
  await db.inboundDedupKey.create({ data: { webhookId: hook.id, key: "ended", messageId: "imsg_x", expiresAt: new Date(Date.now() - 1000) } });
  await db.inboundDedupKey.create({ data: { webhookId: hook.id, key: "live", messageId: "imsg_y", expiresAt: new Date(Date.now() + 3600_000) } });
  const r = await pruneExpired({ days: 30, batch: 1 });
  expect(r).toMatchObject({ inboundRejections: 1, inboundDedupKeys: 1 });
  expect((await db.inboundRejection.findMany({ where: { webhookId: hook.id } })).map((x) => x.id)).toEqual(["irej_new"]);
  expect((await db.inboundDedupKey.findMany({ where: { webhookId: hook.id } })).map((x) => x.key)).toEqual(["live"]);
});

it("keeps each organization's data its own number of days, else the server's default", async () => {
  const now = new Date();
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const short = await db.organization.create({ data: { name: "Short", retentionDays: 7 } });
  const long = await db.organization.create({ data: { name: "Long", retentionDays: 90 } });
  const plain = await db.organization.create({ data: { name: "Default" } });
  for (const org of [short, long, plain]) {
    for (const age of [10, 40, 100]) {
      await db.event.create({ data: { id: `evt_${org.name}_${age}`, orgId: org.id, environment: "live", type: "run.completed", payload: {}, createdAt: daysAgo(age) } });
    }
    const hook = await db.inboundWebhook.create({
      data: { id: `iwh_${org.name}`, orgId: org.id, environment: "live", name: "in", handler: "store", tokenHash: `h_${org.name}`, tokenLast4: "abcd" },
    });
    await db.inboundMessage.create({
      data: { id: `imsg_${org.name}_10`, webhookId: hook.id, orgId: org.id, environment: "live", method: "POST", headers: [], body: Buffer.from("{}"), bodySize: 2, outcome: "stored", receivedAt: daysAgo(10) },
    });
  }
  await pruneExpired({ now, days: 30 });
  const left = async (orgId: string) => (await db.event.findMany({ where: { orgId }, orderBy: { createdAt: "desc" } })).map((e) => e.id);
  expect(await left(short.id)).toEqual([]);
  expect(await left(long.id)).toEqual(["evt_Long_10", "evt_Long_40"]);
  expect(await left(plain.id)).toEqual(["evt_Default_10"]);
  expect((await db.inboundMessage.findMany({ where: { orgId: { in: [short.id, long.id, plain.id] } } })).map((m) => m.id).sort()).toEqual([
    "imsg_Default_10",
    "imsg_Long_10",
  ]);
});
