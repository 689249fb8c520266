// ULIDs (time-ordered, 26 chars), the id format Inngest uses for runs and events.
import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function encodeBytes(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i]! % 32];
  return out;
}

export function ulid(now = Date.now()): string {
  return encodeTime(now) + encodeBytes(randomBytes(16));
}

/** A ULID fixed by `seed`, so a sender's retry of the same request yields the same id. */
export function seededUlid(ms: number, seed: string): string {
  return encodeTime(ms) + encodeBytes(createHash("sha256").update(seed).digest());
}
