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

it("prunes the notification centre's rows past each organization's retention, with their read marks, but none still owed", async () => {
  const now = new Date();
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const short = await db.organization.create({ data: { name: "Bell short", retentionDays: 7 } });
  const plain = await db.organization.create({ data: { name: "Bell default" } });
  const reader = await db.user.create({ data: { email: "reader@retention.example" } });
  const note = (id: string, orgId: string, at: Date, extra: Record<string, unknown> = {}) =>
    db.notification.create({
      data: { id, orgId, environment: "test", kind: "endpoint.failing", title: id, body: "b", dedupeKey: id, createdAt: at, updatedAt: at, ...extra },
    });
  for (const org of [short, plain]) {
    await note(`ntf_${org.id}_10`, org.id, daysAgo(10));
    await note(`ntf_${org.id}_40`, org.id, daysAgo(40));
    await note(`ntf_${org.id}_1`, org.id, daysAgo(1));
  }
  await db.notificationRead.create({ data: { notificationId: `ntf_${short.id}_10`, userId: reader.id } });
  // Old, but still owed: its operator event is not sent yet.
  await note("ntf_pending", short.id, daysAgo(40), { eventPending: true });
  // Opened 40 days ago, counted on yesterday (a debounce window still being counted).
  await note("ntf_recounted", short.id, daysAgo(40), { updatedAt: daysAgo(1) });
  // An expiry reminder of a credential that has not expired yet: its key stops a second reminder.
  const cred = (name: string, expiresAt: Date) =>
    db.credential.create({ data: { orgId: short.id, environment: "test", name, clientId: `cid_${name}`, secretHash: `h_${name}`, secretLast4: "abcd", scopes: [], expiresAt } });
  const pendingCred = await cred("later", new Date(now.getTime() + 20 * 86_400_000));
  const goneCred = await cred("expired", daysAgo(2));
  await note("ntf_reminder_live", short.id, daysAgo(10), { kind: "credential.expiring", targetType: "credential", targetId: pendingCred.id });
  await note("ntf_reminder_over", short.id, daysAgo(10), { kind: "credential.expiring", targetType: "credential", targetId: goneCred.id });

  const r = await pruneExpired({ now, days: 30, batch: 1 });
  expect(r.notifications).toBe(4);
  const left = async (orgId: string) => (await db.notification.findMany({ where: { orgId }, orderBy: { id: "asc" } })).map((n) => n.id).sort();
  expect(await left(short.id)).toEqual([`ntf_${short.id}_1`, "ntf_pending", "ntf_recounted", "ntf_reminder_live"].sort());
  expect(await left(plain.id)).toEqual([`ntf_${plain.id}_1`, `ntf_${plain.id}_10`].sort());
  expect(await db.notificationRead.count({ where: { userId: reader.id } })).toBe(0);
  expect((await pruneExpired({ now, days: 30 })).notifications).toBe(0);
});
