import { beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { REDACTED } from "@/lib/audit/redact-secrets";
import { hashAuditRow } from "@/lib/audit/audit-hash";

const ctx: AuditContext = { actor: { type: "user", id: "u_1", label: "ada@example.com" }, ip: "203.0.113.9", userAgent: "vitest" };

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function newOrg(name = "Acme") {
  return db.organization.create({ data: { name } });
}

async function record(orgId: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await db.$transaction((tx) =>
        recordAuditEvent(tx, {
          orgId,
          environment: i % 2 ? "live" : "test",
          ctx,
          action: "credential.created",
          target: { type: "credential", id: `cred_${i}`, label: `Service ${i}` },
          after: { name: `Service ${i}`, scopes: ["events:write"], lifetime: 3600, meta: { z: 1, a: [1.5, null, "x"] } },
        }),
      ),
    );
  }
  return out;
}

// Tampering needs the trigger out of the way, as an attacker with owner rights would do.
async function asOwnerWithoutTrigger(sql: string, ...params: unknown[]) {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await tx.$executeRawUnsafe(sql, ...params);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
  });
}

describe("recordAuditEvent and verifyAuditChain", () => {
  it("links each event to the previous one and verifies the whole chain", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 5);
    expect(rows[0]!.prevHash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => (a < b ? -1 : 1)));
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    const result = await verifyAuditChain(db, org.id);
    expect(result).toEqual({ ok: true, count: 5, head: { seq: rows[4]!.seq.toString(), hash: rows[4]!.hash } });
  });

  it("keeps one chain per organization", async () => {
    const a = await newOrg("A");
    const b = await newOrg("B");
    await record(a.id, 2);
    const [firstOfB] = await record(b.id, 1);
    expect(firstOfB!.prevHash).toBeNull();
    await record(a.id, 1);
    expect(await verifyAuditChain(db, a.id)).toMatchObject({ ok: true, count: 3 });
    expect(await verifyAuditChain(db, b.id)).toMatchObject({ ok: true, count: 1 });
  });

  it("reports an empty chain as intact", async () => {
    const org = await newOrg();
    expect(await verifyAuditChain(db, org.id)).toEqual({ ok: true, count: 0, head: null });
  });

  it("finds the first row whose content was changed", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 5);
    await asOwnerWithoutTrigger(`UPDATE "AuditEvent" SET "actorLabel" = 'mallory' WHERE id = $1`, rows[2]!.id);
    expect(await verifyAuditChain(db, org.id)).toEqual({
      ok: false,
      count: 2,
      firstBroken: { id: rows[2]!.id, seq: rows[2]!.seq.toString(), reason: "hash_mismatch" },
    });
  });

  it("notices a change inside the before/after JSON", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 3);
    await asOwnerWithoutTrigger(
      `UPDATE "AuditEvent" SET "after" = jsonb_set("after", '{scopes}', '["admin"]') WHERE id = $1`,
      rows[0]!.id,
    );
    expect(await verifyAuditChain(db, org.id)).toMatchObject({
      ok: false,
      count: 0,
      firstBroken: { id: rows[0]!.id, reason: "hash_mismatch" },
    });
  });

  it("finds a removed row by the broken link of its successor", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 4);
    await asOwnerWithoutTrigger(`DELETE FROM "AuditEvent" WHERE id = $1`, rows[1]!.id);
    expect(await verifyAuditChain(db, org.id)).toEqual({
      ok: false,
      count: 1,
      firstBroken: { id: rows[2]!.id, seq: rows[2]!.seq.toString(), reason: "prev_mismatch" },
    });
  });

  it("is not fooled by a changed row whose hash was recomputed", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 3);
    // Forge row 1 consistently with itself; row 2 still points at the original hash.
    await asOwnerWithoutTrigger(`UPDATE "AuditEvent" SET "hash" = repeat('0', 64) WHERE id = $1`, rows[1]!.id);
    const r = await verifyAuditChain(db, org.id);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ id: rows[1]!.id, reason: "hash_mismatch" });
  });

  it("still verifies rows hashed before keying (version 1), sealed by the first keyed row", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 4);
    // Turn the first two into what the unkeyed writer stored: plain SHA-256, version 1.
    let prev: string | null = null;
    for (const r of rows.slice(0, 2)) {
      const hash = hashAuditRow(r, prev, 1);
      await asOwnerWithoutTrigger(`UPDATE "AuditEvent" SET "hash" = $1, "prevHash" = $2, "hashVersion" = 1 WHERE id = $3`, hash, prev, r.id);
      prev = hash;
    }
    // Re-link the keyed rows after them (as if they had been written after the upgrade).
    for (const r of rows.slice(2)) {
      const hash = hashAuditRow(r, prev, 2);
      await asOwnerWithoutTrigger(`UPDATE "AuditEvent" SET "hash" = $1, "prevHash" = $2 WHERE id = $3`, hash, prev, r.id);
      prev = hash;
    }
    const v = await verifyAuditChain(db, org.id);
    expect(v).toMatchObject({ ok: true, count: 4, unkeyed: 2 });
    // Editing an unkeyed row breaks the first keyed row's link, even when re-hashed unkeyed.
    const edited = { ...rows[1]!, actorLabel: "mallory" };
    await asOwnerWithoutTrigger(
      `UPDATE "AuditEvent" SET "actorLabel" = 'mallory', "hash" = $1 WHERE id = $2`,
      hashAuditRow(edited, (await db.auditEvent.findUnique({ where: { id: rows[1]!.id } }))!.prevHash, 1),
      rows[1]!.id,
    );
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: false, count: 2, firstBroken: { seq: rows[2]!.seq.toString(), reason: "prev_mismatch" } });
  });

  it("verifies chains longer than one batch", async () => {
    const org = await newOrg();
    const rows = await record(org.id, 8);
    expect(await verifyAuditChain(db, org.id, { batchSize: 3 })).toMatchObject({ ok: true, count: 8 });
    // A break in a later batch is still found, with the count carried across batches.
    await asOwnerWithoutTrigger(`UPDATE "AuditEvent" SET "ip" = '198.51.100.1' WHERE id = $1`, rows[6]!.id);
    expect(await verifyAuditChain(db, org.id, { batchSize: 3 })).toMatchObject({
      ok: false,
      count: 6,
      firstBroken: { id: rows[6]!.id, reason: "hash_mismatch" },
    });
  });

  it("produces an intact chain from 20 concurrent transactions", async () => {
    const org = await newOrg();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.$transaction(
          async (tx) => {
            await recordAuditEvent(tx, { orgId: org.id, ctx, action: "member.invited", target: { type: "invitation", id: `i${i}` } });
            // Hold the lock a little so that, on PostgreSQL, the others really queue behind it.
            await tx.$executeRawUnsafe("SELECT pg_sleep(0.01)");
          },
          { maxWait: 20_000, timeout: 20_000 },
        ),
      ),
    );
    expect(await db.auditEvent.count({ where: { orgId: org.id } })).toBe(20);
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: true, count: 20 });
  });

  it("commits and rolls back with the caller's change", async () => {
    const org = await newOrg();
    await expect(
      db.$transaction(async (tx) => {
        await recordAuditEvent(tx, { orgId: org.id, ctx, action: "credential.revoked" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
    await record(org.id, 1);
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: true, count: 1 });
  });

  it("redacts secrets in before/after and stores what it hashed", async () => {
    const org = await newOrg();
    const row = await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        orgId: org.id,
        environment: "live",
        ctx: { actor: { type: "credential", id: "cred_x", label: "CI" } },
        action: "endpoint.updated",
        target: { type: "endpoint", id: "ep_1", label: "Orders" },
        before: { authToken: null, url: "https://a.example", secretExpiresAt: new Date("2026-01-01T00:00:00Z") },
        after: {
          url: "https://b.example",
          auth_token: "Bearer abc",
          signingSecret: "whsec_abc",
          headers: { Authorization: "Basic Zm9v", "X-Api-Key": "k", "X-Trace": "ok" },
          rotations: [{ secretHash: "deadbeef", tokenLifetime: 3600 }],
          count: 10n,
          skipped: undefined,
        },
      }),
    );
    const stored = await db.auditEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.before).toEqual({ authToken: null, url: "https://a.example", secretExpiresAt: "2026-01-01T00:00:00.000Z" });
    expect(stored.after).toEqual({
      url: "https://b.example",
      auth_token: REDACTED,
      signingSecret: REDACTED,
      headers: { Authorization: REDACTED, "X-Api-Key": REDACTED, "X-Trace": "ok" },
      rotations: [{ secretHash: REDACTED, tokenLifetime: 3600 }],
      count: "10",
    });
    expect(JSON.stringify([stored.before, stored.after])).not.toMatch(/abc|Zm9v|deadbeef/);
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: true, count: 1 });
  });

  it("survives text the database would otherwise alter (lone surrogates, NUL)", async () => {
    const org = await newOrg();
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        orgId: org.id,
        ctx: { actor: { type: "system", label: "bad\uD800label\u0000" }, userAgent: "x\uDC00" },
        action: "inbound.received",
        after: { "k\uD800": "v\u0000\uDBFF", n: 1e-7, big: 1e21 },
      }),
    );
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: true, count: 1 });
  });

  it("refuses to run outside a transaction", async () => {
    const org = await newOrg();
    await expect(recordAuditEvent(db, { orgId: org.id, ctx, action: "credential.revoked" })).rejects.toThrow(
      /inside db.\$transaction/,
    );
  });

  it("refuses a transaction whose snapshot could miss the chain head", async () => {
    const org = await newOrg();
    await expect(
      db.$transaction(async (tx) => {
        // Set inside the transaction: the PGlite adapter ignores Prisma's isolationLevel option.
        await tx.$executeRawUnsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        return recordAuditEvent(tx, { orgId: org.id, ctx, action: "credential.revoked" });
      }),
    ).rejects.toThrow(/READ COMMITTED/);
    expect(await db.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("rejects malformed action names", async () => {
    const org = await newOrg();
    await expect(
      db.$transaction((tx) => recordAuditEvent(tx, { orgId: org.id, ctx, action: "Credential Revoked" })),
    ).rejects.toThrow(/Invalid audit action/);
  });
});

describe("append-only trigger", () => {
  it("refuses UPDATE", async () => {
    const org = await newOrg();
    const [row] = await record(org.id, 1);
    await expect(db.auditEvent.update({ where: { id: row!.id }, data: { actorLabel: "mallory" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'x.y' WHERE "orgId" = $1`, org.id)).rejects.toThrow(
      /append-only/,
    );
    expect((await db.auditEvent.findUniqueOrThrow({ where: { id: row!.id } })).actorLabel).toBe("ada@example.com");
  });

  it("refuses DELETE while the organization exists", async () => {
    const org = await newOrg();
    await record(org.id, 2);
    await expect(db.auditEvent.deleteMany({ where: { orgId: org.id } })).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "orgId" = $1`, org.id)).rejects.toThrow(
      /append-only/,
    );
    expect(await db.auditEvent.count({ where: { orgId: org.id } })).toBe(2);
  });

  it("lets the events go with their organization", async () => {
    const org = await newOrg();
    const other = await newOrg("Other");
    await record(org.id, 3);
    await record(other.id, 1);
    await db.organization.delete({ where: { id: org.id } });
    expect(await db.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { orgId: other.id } })).toBe(1);
  });
});
