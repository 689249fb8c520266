// Attacks on the sign-in limit (issue 12, finding 3 b/c), over real HTTP against Auth.js's own
// credentials callback and a real database:
// - a burst of parallel guesses from one address gets at most the limit of password checks
//   (the old in-process limiter looked before it counted: 20 parallel tries, 17 checks, limit 5);
// - the limit lives in the database, so two separate clients ("processes") share it;
// - delays grow per further failure;
// - an attacker elsewhere cannot lock the owner out of an address they have signed in from;
// - successes and failures are in the audit log of each of the user's organizations.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { ACCOUNT, ADDRESS, hit, type BucketPolicy } from "@/lib/auth/throttle";
import { getDb, type Db } from "@/lib/db/client";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { serveAuth, signInOverHttp } from "@/tests/security/helpers/auth-http";

const PASSWORD = "Correct-Horse-Battery-9!";
let db: Db;
let server: Awaited<ReturnType<typeof serveAuth>>;

beforeAll(async () => {
  db = await getDb();
  server = await serveAuth();
});
afterAll(() => server?.close());

async function userInOrgs(orgCount: number) {
  const email = `victim-${randomBytes(4).toString("hex")}@example.com`;
  const user = await db.user.create({ data: { email, name: "Victim", passwordHash: await hashPassword(PASSWORD) } });
  const orgs = [];
  for (let i = 0; i < orgCount; i++) {
    const org = await db.organization.create({ data: { name: `Victim org ${i}` } });
    await db.membership.create({ data: { orgId: org.id, userId: user.id, role: "owner" } });
    orgs.push(org);
  }
  return { user, email, orgs };
}

const count = (xs: { outcome: string }[], o: string) => xs.filter((x) => x.outcome === o).length;

describe("sign-in throttle", () => {
  it("20 parallel wrong passwords from one address: at most the limit reach the password check", async () => {
    const { user, email, orgs } = await userInOrgs(1);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInOverHttp(server.origin, email, `wrong-guess-${i}`, "127.0.0.2")),
    );
    expect(count(results, "other")).toBe(0);
    expect(count(results, "signed_in")).toBe(0);
    // Each `invalid` answer is one password check; everything past the limit is refused unchecked.
    expect(count(results, "invalid")).toBe(ACCOUNT.free);
    expect(count(results, "rate_limited")).toBe(20 - ACCOUNT.free);
    // Even the right password from that address now waits.
    expect((await signInOverHttp(server.origin, email, PASSWORD, "127.0.0.2")).outcome).toBe("rate_limited");

    // Every checked failure is audited, with the address; the one that started the delay says until when.
    const failed = await db.auditEvent.findMany({ where: { orgId: orgs[0]!.id, action: "user.sign_in_failed" }, orderBy: { seq: "asc" } });
    expect(failed).toHaveLength(ACCOUNT.free);
    expect(failed.every((e) => e.ip === "127.0.0.2" && e.actorId === user.id)).toBe(true);
    expect(failed.some((e) => (e.after as { throttled_until?: string | null }).throttled_until)).toBe(true);
  });

  it("an attacker's failures elsewhere do not lock the owner out of an address they signed in from", async () => {
    const { email, orgs } = await userInOrgs(2);
    // The owner signs in from their usual address once: it becomes known.
    expect((await signInOverHttp(server.origin, email, PASSWORD, "127.0.0.3")).outcome).toBe("signed_in");

    const attack = await Promise.all(
      Array.from({ length: 15 }, (_, i) => signInOverHttp(server.origin, email, `guess-${i}`, "127.0.0.4")),
    );
    expect(count(attack, "invalid")).toBe(ACCOUNT.free);
    expect(count(attack, "rate_limited")).toBe(15 - ACCOUNT.free);
    // A third address has never signed in: it shares the attacked account's bucket, so it waits.
    expect((await signInOverHttp(server.origin, email, PASSWORD, "127.0.0.5")).outcome).toBe("rate_limited");

    // The owner's known address has its own bucket: the right password still works there.
    const owner = await signInOverHttp(server.origin, email, PASSWORD, "127.0.0.3");
    expect(owner.outcome).toBe("signed_in");

    // Successes are audited in every organization of the user.
    for (const org of orgs) {
      const ok = await db.auditEvent.findMany({ where: { orgId: org.id, action: "user.signed_in" } });
      expect(ok.map((e) => e.ip)).toEqual(["127.0.0.3", "127.0.0.3"]);
    }
  });

  it("spraying one guess over many accounts from one address is throttled per address", async () => {
    const emails = Array.from({ length: ADDRESS.free + 5 }, (_, i) => `spray-${i}-${randomBytes(3).toString("hex")}@example.com`);
    const results = await Promise.all(emails.map((e) => signInOverHttp(server.origin, e, "Summer2026!", "127.0.0.11")));
    expect(count(results, "invalid")).toBe(ADDRESS.free);
    expect(count(results, "rate_limited")).toBe(5);
    // Another address is not affected.
    expect((await signInOverHttp(server.origin, emails[0]!, "Summer2026!", "127.0.0.12")).outcome).toBe("invalid");
  });

  it("an unknown email is throttled the same way (and cannot be told apart by being unlimited)", async () => {
    const email = `nobody-${randomBytes(4).toString("hex")}@example.com`;
    const results = await Promise.all(Array.from({ length: 12 }, () => signInOverHttp(server.origin, email, "whatever-guess", "127.0.0.6")));
    expect(count(results, "invalid")).toBe(ACCOUNT.free);
    expect(count(results, "rate_limited")).toBe(12 - ACCOUNT.free);
  });
});

describe("throttle buckets", () => {
  const policy: BucketPolicy = { free: 2, baseSeconds: 10, capSeconds: 35, resetSeconds: 3600 };
  const key = () => `test:${randomBytes(6).toString("hex")}`;

  it("delays double with each further attempt, up to the cap", async () => {
    const bucket = { key: key(), policy };
    expect((await hit(bucket)).allowed).toBe(true);
    const second = await hit(bucket);
    expect(second).toMatchObject({ allowed: true });
    const waits = [Math.round((second.blockedUntil!.getTime() - Date.now()) / 1000)];
    for (let i = 0; i < 3; i++) {
      expect((await hit(bucket)).allowed).toBe(false); // blocked: not counted
      // Time passes: the delay is over.
      await db.$executeRaw`UPDATE "SignInThrottle" SET "blockedUntil" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE "key" = ${bucket.key}`;
      const r = await hit(bucket);
      expect(r.allowed).toBe(true);
      waits.push(Math.round((r.blockedUntil!.getTime() - Date.now()) / 1000));
    }
    // 10, 20, 35 (40 capped), 35.
    expect(waits.map((w, i) => Math.abs(w - [10, 20, 35, 35][i]!) <= 2)).toEqual([true, true, true, true]);
  });

  it.skipIf(!process.env.DATABASE_URL?.startsWith("postgres"))(
    "holds across two separate database clients (two processes' connection pools)",
    async () => {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
      try {
        const bucket = { key: key(), policy: { ...policy, free: 5 } };
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => hit(bucket, i % 2 ? other : db)));
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
      } finally {
        await other.$disconnect();
      }
    },
  );
});
