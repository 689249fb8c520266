// Idempotency-Key on POST: the same key and body replay the stored response; the same key
// with another body is refused (422); a key still in flight answers 409.
import { createHash } from "node:crypto";
import { AppError } from "@/lib/api/errors";
import { decrypt, encrypt } from "@/lib/crypto/encryption";
import { db } from "@/lib/db/client";

const IN_FLIGHT = 0;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyClaim =
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "claimed"; id: string };

export function hashRequest(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method} ${path}\n${body}`).digest("hex");
}

/** Claims `key` in `scope`, or returns the stored response. Throws 409/422 as above. */
export async function claimIdempotencyKey(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  if (!KEY_RE.test(key)) {
    throw new AppError("validation_failed", "Idempotency-Key: 1 to 255 printable ASCII characters", {
      errors: [{ field: "Idempotency-Key", message: "1 to 255 printable ASCII characters" }],
    });
  }
  try {
    const row = await db.idempotencyKey.create({
      data: { scope, key, requestHash, responseStatus: IN_FLIGHT },
      select: { id: true },
    });
    return { kind: "claimed", id: row.id };
  } catch (err) {
    if ((err as { code?: string }).code !== "P2002") throw err;
  }
  const prior = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
  if (!prior) return claimIdempotencyKey(scope, key, requestHash); // released meanwhile
  if (prior.requestHash !== requestHash) {
    throw new AppError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
      { errors: [{ field: "Idempotency-Key", message: "already used with a different request" }] },
    );
  }
  if (prior.responseStatus === IN_FLIGHT) {
    throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still being processed.", {
      headers: { "Retry-After": "1" },
    });
  }
  const stored = prior.responseBody as { enc?: string } | null;
  return { kind: "replay", status: prior.responseStatus, body: stored?.enc ? JSON.parse(decrypt(stored.enc)) : null };
}

/** Stores the outcome; server errors release the key so the client can retry. */
export async function completeIdempotencyKey(id: string, status: number, body: unknown): Promise<void> {
  if (status >= 500) {
    await db.idempotencyKey.delete({ where: { id } }).catch(() => {});
    return;
  }
  await db.idempotencyKey.update({
    where: { id },
    // Encrypted: a stored response may hold a one-time secret (a new client secret, an invite link).
    data: { responseStatus: status, responseBody: { enc: encrypt(JSON.stringify(body ?? null)) } },
  });
}
