// Idempotency-Key on POST: the same key and body replay the stored response; the same key
// with another body is refused (422); a key still in flight answers 409.
//
// What is kept, and for how long:
// - One-time secrets are never stored. A response's secret fields (client_secret, secret,
//   token, verification_secret, forward_signing_secret, invite_url, and any string shaped like
//   a Gatehouse secret or whsec_ key) are replaced by null before the response is stored, so a
//   replay says `"secrets_omitted": [...]` (and the header `Secrets-Omitted`) instead of showing
//   the secret a second time. Whoever lost the first response regenerates the secret.
// - Keys expire IDEMPOTENCY_TTL_MS (24 h) after their first use: after that the same key is a new
//   request. Expired rows are pruned a batch at a time on every claim (and by pruneIdempotencyKeys).
// - A claim left in flight by a crashed process is taken over once it is older than
//   IN_FLIGHT_TIMEOUT_MS; the crashed request's late completion, if any, is then ignored.
// - The claim is marked with what the request committed, atomically with it (`resourceRef`):
//   POST /api/v1/events in the statement that stores the event; every other route by the first
//   audit event it records (lib/audit/record-audit-event.ts), in that transaction. A retry that
//   finds such a claim in flight gets the committed result (the route's `recover`: the created
//   resource without its one-time secret) or 409 naming the change, never a second copy of the work.
import { createHash } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { canonicalJson } from "@/lib/audit/audit-hash";
import { decrypt, encrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";
import { jsonValueProblem } from "@/lib/http/well-formed";

const IN_FLIGHT = 0;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Longer than any request may take; a claim older than this was left by a crash. */
export const IN_FLIGHT_TIMEOUT_MS = 5 * 60 * 1000;
const PRUNE_BATCH = 100;

/** Response fields that carry a secret shown once (see the routes that return them). */
export const ONE_TIME_SECRET_FIELDS = [
  "client_secret",
  "secret",
  "token",
  "verification_secret",
  "forward_signing_secret",
  "invite_url",
] as const;

// Gatehouse secrets (lib/credentials/secret-format.ts) and Standard Webhooks signing secrets,
// wherever they appear: a safety net for secret fields added later under other names.
const SECRET_VALUE = /^(?:(?:gsk|gat|gin)_(?:test|live)_[0-9A-Za-z]{36}|whsec_[A-Za-z0-9+/=]{16,})$/;

export type IdempotencyClaim =
  | { kind: "replay"; status: number; body: unknown; headers: Record<string, string> }
  | { kind: "claimed"; id: string }
  /** In flight, but its work is committed (`resourceRef`): answer from that resource. */
  | { kind: "recover"; id: string; resourceRef: string };

/**
 * The request's fingerprint: method, path and the body as canonical JSON (keys sorted, no
 * whitespace), so the same JSON with its keys in another order or spaced otherwise is the same
 * request. A body that is not JSON, or too deep to take (refused by the handler anyway), counts
 * by its bytes.
 */
export function hashRequest(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method} ${path}\n${canonicalBody(body)}`).digest("hex");
}

function canonicalBody(body: string): string {
  if (!body.trim()) return "";
  try {
    const value: unknown = JSON.parse(body);
    return jsonValueProblem(value)?.kind === "depth" ? body : canonicalJson(value);
  } catch {
    return body;
  }
}

/**
 * `body` with one-time secrets replaced by null, and the paths replaced ("client_secret",
 * "data[0].secret"); when any were, the result says so in `secrets_omitted`.
 */
export function withoutOneTimeSecrets(body: unknown): { body: unknown; omitted: string[] } {
  const omitted: string[] = [];
  const walk = (v: unknown, path: string, top: boolean): unknown => {
    if (typeof v === "string") {
      if (SECRET_VALUE.test(v)) {
        omitted.push(path);
        return null;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, false));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (top && k === "secrets_omitted") {
          // Already cleaned when stored: keep the record of what was left out.
          if (Array.isArray(x)) omitted.push(...x.filter((e): e is string => typeof e === "string"));
          continue;
        }
        if ((ONE_TIME_SECRET_FIELDS as readonly string[]).includes(k) && typeof x === "string") {
          omitted.push(p);
          out[k] = null;
        } else {
          out[k] = walk(x, p, false);
        }
      }
      return out;
    }
    return v;
  };
  const cleaned = walk(body, "", true);
  if (omitted.length && cleaned && typeof cleaned === "object" && !Array.isArray(cleaned)) {
    (cleaned as Record<string, unknown>).secrets_omitted = omitted;
  }
  return { body: cleaned, omitted };
}

/** Claims `key` in `scope`, or returns the stored response. Throws 409/422 as above. */
export async function claimIdempotencyKey(scope: string, key: string, requestHash: string, now = new Date()): Promise<IdempotencyClaim> {
  if (!KEY_RE.test(key)) {
    throw new AppError("validation_failed", "Idempotency-Key: 1 to 255 printable ASCII characters", {
      errors: [{ field: "Idempotency-Key", message: "1 to 255 printable ASCII characters" }],
    });
  }
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  // Bounded: each round either claims, answers, or removes the row in the way (expired, or
  // abandoned in flight) that another request may race to re-create.
  for (let round = 0; round < 5; round++) {
    try {
      const row = await db.idempotencyKey.create({
        data: { scope, key, requestHash, responseStatus: IN_FLIGHT, createdAt: now },
        select: { id: true },
      });
      if (round === 0) await pruneIdempotencyKeys({ now, limit: PRUNE_BATCH });
      return { kind: "claimed", id: row.id };
    } catch (err) {
      if ((err as { code?: string }).code !== "P2002") throw err;
    }
    const prior = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
    if (!prior) continue; // released meanwhile
    if (prior.createdAt < expiredBefore) {
      await db.idempotencyKey.deleteMany({ where: { id: prior.id, createdAt: prior.createdAt } });
      continue;
    }
    if (prior.requestHash !== requestHash) {
      throw new AppError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
        { errors: [{ field: "Idempotency-Key", message: "already used with a different request" }] },
      );
    }
    if (prior.responseStatus === IN_FLIGHT) {
      // The work is committed (the request crashed before storing its answer, or is storing it now).
      if (prior.resourceRef) return { kind: "recover", id: prior.id, resourceRef: prior.resourceRef };
      if (prior.createdAt.getTime() <= now.getTime() - IN_FLIGHT_TIMEOUT_MS) {
        // Left by a crash: free it (only if nobody finished or took it over meanwhile) and claim anew.
        await db.idempotencyKey.deleteMany({ where: { id: prior.id, responseStatus: IN_FLIGHT, createdAt: prior.createdAt } });
        continue;
      }
      throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still being processed.", {
        headers: { "Retry-After": "1" },
      });
    }
    const stored = prior.responseBody as { enc?: string } | null;
    // Rows stored before secrets were left out are cleaned on the way out as well.
    const { body, omitted } = withoutOneTimeSecrets(stored?.enc ? JSON.parse(decrypt(stored.enc)) : null);
    return {
      kind: "replay",
      status: prior.responseStatus,
      body,
      headers: omitted.length ? { "Secrets-Omitted": omitted.join(", ") } : {},
    };
  }
  throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still being processed.", {
    headers: { "Retry-After": "1" },
  });
}

/** Stores the outcome without one-time secrets; server errors release the key so the client can retry. */
export async function completeIdempotencyKey(id: string, status: number, body: unknown): Promise<void> {
  // Conditional on the claim still being in flight: a claim taken over after a timeout is no longer ours.
  if (status >= 500) {
    await db.idempotencyKey.deleteMany({ where: { id, responseStatus: IN_FLIGHT } });
    return;
  }
  const { body: kept } = withoutOneTimeSecrets(body ?? null);
  await db.idempotencyKey.updateMany({
    where: { id, responseStatus: IN_FLIGHT },
    // Encrypted all the same: a stored response describes the caller's resources.
    data: { responseStatus: status, responseBody: { enc: encrypt(JSON.stringify(kept)) } },
  });
}

/** Deletes up to `limit` keys past their 24 h; returns how many. */
export async function pruneIdempotencyKeys({ now = new Date(), limit = 1000 }: { now?: Date; limit?: number } = {}): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "IdempotencyKey" WHERE "id" IN (
      SELECT "id" FROM "IdempotencyKey" WHERE "createdAt" < ${new Date(now.getTime() - IDEMPOTENCY_TTL_MS)}
      ORDER BY "createdAt" LIMIT ${limit})`;
}
