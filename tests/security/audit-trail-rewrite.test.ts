// Finding 8: the audit trail could be rewritten. TRUNCATE "AuditEvent" succeeded for the app's
// database user; the chain was unkeyed SHA-256, so an edited row could be re-hashed (and every
// later row re-linked) and verification still said ok; deleting the newest rows left a shorter
// chain that verified. Attacks done with the app's own database connection (the owner of the
// tables, able to disable triggers), checks done over real HTTP with a real live token.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as token from "@/app/oauth/token/route";
import * as verifyRoute from "@/app/api/v1/audit-events/verify/route";
import * as checkpointRoute from "@/app/api/v1/audit-events/checkpoint/route";
import * as checkpointVerifyRoute from "@/app/api/v1/audit-events/checkpoint/verify/route";
import { canonicalJson } from "@/lib/audit/audit-hash";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db/client";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { serveRoutes } from "@/tests/helpers/route-server";

const ctx = { actor: { type: "user" as const, id: "u_1", label: "ada@example.com" }, ip: "127.0.0.1", userAgent: "vitest" };
let server: Awaited<ReturnType<typeof serveRoutes>>;

async function liveToken(orgId: string, environment: "test" | "live" = "live") {
  const { credential, secret } = await createCredential({
    orgId, environment, name: "auditor", scopes: ["audit:read"], expiresAt: null, tokenLifetimeSeconds: 3600, createdById: null, ctx,
  });
  const r = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: secret }),
  });
  return (await r.json()).access_token as string;
}

function call(t: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${t}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function newOrgWithEvents(n: number) {
  const org = await db.organization.create({ data: { name: "Acme" } });
  for (let i = 0; i < n; i++) {
    await db.$transaction((tx) =>
      recordAuditEvent(tx, { orgId: org.id, environment: "live", ctx, action: "credential.revoked", target: { type: "credential", id: `c_${i}` } }),
    );
  }
  return org.id;
}

// What an attacker without the key can compute: the old unkeyed hash.
function unkeyedHash(row: AuditEvent, prevHash: string | null): string {
  const canonical = canonicalJson({
    id: row.id, seq: row.seq.toString(), orgId: row.orgId, environment: row.environment, actorType: row.actorType,
    actorId: row.actorId, actorLabel: row.actorLabel, action: row.action, targetType: row.targetType, targetId: row.targetId,
    targetLabel: row.targetLabel, ip: row.ip, userAgent: row.userAgent, before: row.before ?? null, after: row.after ?? null,
    createdAt: row.createdAt.toISOString(),
  });
  return createHash("sha256").update(prevHash ?? "").update(canonical).digest("hex");
}

/** Runs statements with every AuditEvent trigger off, as the table owner could. */
async function withTriggersOff(fn: (sql: (q: string, ...p: unknown[]) => Promise<unknown>) => Promise<void>) {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`);
    await fn((q, ...p) => tx.$executeRawUnsafe(q, ...p));
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER ALL`);
  });
}

/** Edits row `at` and re-hashes it and every later row, unkeyed; `setVersion` also claims the old hash version. */
async function rewriteFrom(orgId: string, at: number, setVersion: boolean) {
  const rows = await db.auditEvent.findMany({ where: { orgId }, orderBy: { seq: "asc" } });
  let prev = rows[at - 1]?.hash ?? null;
  await withTriggersOff(async (sql) => {
    for (let i = at; i < rows.length; i++) {
      const row = { ...rows[i]!, ...(i === at ? { actorLabel: "mallory@example.com" } : {}) };
      const hash = unkeyedHash(row, prev);
      await sql(`UPDATE "AuditEvent" SET "actorLabel" = $1, "prevHash" = $2, "hash" = $3 WHERE "id" = $4`, row.actorLabel, prev, hash, row.id);
      if (setVersion) await sql(`UPDATE "AuditEvent" SET "hashVersion" = 1 WHERE "id" = $1`, row.id);
      prev = hash;
    }
  });
}

beforeAll(async () => {
  server = await serveRoutes({
    "/oauth/token": token,
    "/api/v1/audit-events/verify": verifyRoute,
    "/api/v1/audit-events/checkpoint": checkpointRoute,
    "/api/v1/audit-events/checkpoint/verify": checkpointVerifyRoute,
  });
});
afterAll(async () => {
  await server.close();
});

describe("TRUNCATE", () => {
  it("is refused for the app's database user", async () => {
    const orgId = await newOrgWithEvents(2);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent" CASCADE`)).rejects.toThrow(/TRUNCATE refused/);
    expect(await db.auditEvent.count({ where: { orgId } })).toBe(2);
  });
});

describe("re-hashing an edited row", () => {
  it("without the key is detected, whatever hash version the forger claims", async () => {
    const orgId = await newOrgWithEvents(5);
    const tok = await liveToken(orgId);
    expect((await (await call(tok, "GET", "/api/v1/audit-events/verify")).json()).ok).toBe(true);

    await rewriteFrom(orgId, 2, false);
    const v = await (await call(tok, "GET", "/api/v1/audit-events/verify")).json();
    expect(v).toMatchObject({ ok: false, first_broken: { reason: "hash_mismatch" } });
    expect(v.count).toBe(2);
  });

  it("claiming the old unkeyed version after keyed rows is a forgery", async () => {
    const orgId = await newOrgWithEvents(5);
    const tok = await liveToken(orgId);
    await rewriteFrom(orgId, 2, true);
    const v = await (await call(tok, "GET", "/api/v1/audit-events/verify")).json();
    expect(v).toMatchObject({ ok: false, count: 2, first_broken: { reason: "unkeyed_after_keyed" } });
  });
});

describe("deleting the newest rows", () => {
  it("is detected against a checkpoint taken before", async () => {
    const orgId = await newOrgWithEvents(6);
    const tok = await liveToken(orgId); // its creation is an audit event too
    const res = await call(tok, "GET", "/api/v1/audit-events/checkpoint");
    expect(res.status).toBe(200);
    const cp = await res.json();
    expect(cp).toMatchObject({ version: 1, org_id: orgId, count: 7, algorithm: "Ed25519" });
    expect((await (await call(tok, "POST", "/api/v1/audit-events/checkpoint/verify", cp)).json()).ok).toBe(true);

    // More events are fine: the checkpoint still holds.
    await newEventsFor(orgId, 2);
    expect(await (await call(tok, "POST", "/api/v1/audit-events/checkpoint/verify", cp)).json()).toMatchObject({
      ok: true, problem: null, events_since_checkpoint: 2,
    });

    // The attack: drop the newest rows with the triggers off; what is left is a valid chain.
    await withTriggersOff(async (sql) => {
      await sql(`DELETE FROM "AuditEvent" WHERE "orgId" = $1 AND "seq" >= $2::bigint`, orgId, BigInt(cp.seq) - 1n);
    });
    expect((await (await call(tok, "GET", "/api/v1/audit-events/verify")).json()).ok).toBe(true);
    const after = await (await call(tok, "POST", "/api/v1/audit-events/checkpoint/verify", cp)).json();
    expect(after).toMatchObject({ ok: false, signature_valid: true, problem: "head_missing" });
  });

  it("cannot be hidden by editing the checkpoint", async () => {
    const orgId = await newOrgWithEvents(4);
    const tok = await liveToken(orgId);
    const cp = await (await call(tok, "GET", "/api/v1/audit-events/checkpoint")).json();
    await withTriggersOff(async (sql) => {
      await sql(`DELETE FROM "AuditEvent" WHERE "orgId" = $1 AND "seq" = $2::bigint`, orgId, BigInt(cp.seq));
    });
    const head = await db.auditEvent.findFirst({ where: { orgId }, orderBy: { seq: "desc" } });
    const forged = { ...cp, seq: head!.seq.toString(), id: head!.id, hash: head!.hash, count: cp.count - 1 };
    expect(await (await call(tok, "POST", "/api/v1/audit-events/checkpoint/verify", forged)).json()).toMatchObject({
      ok: false, signature_valid: false, problem: "bad_signature",
    });
    // Nor by taking a checkpoint of another organization.
    const other = await newOrgWithEvents(1);
    const otherCp = await (await call(await liveToken(other), "GET", "/api/v1/audit-events/checkpoint")).json();
    expect((await (await call(tok, "POST", "/api/v1/audit-events/checkpoint/verify", otherCp)).json()).problem).toBe("other_organization");
  });

  it("a test token gets no checkpoint (the chain covers live entries)", async () => {
    const orgId = await newOrgWithEvents(1);
    const tok = await liveToken(orgId, "test");
    expect((await call(tok, "GET", "/api/v1/audit-events/checkpoint")).status).toBe(403);
  });
});

async function newEventsFor(orgId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await db.$transaction((tx) => recordAuditEvent(tx, { orgId, environment: "live", ctx, action: "credential.revoked" }));
  }
}
