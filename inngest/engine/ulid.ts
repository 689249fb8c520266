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

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * Monotonic within this process (the random part counts up within a millisecond), so runs
 * created together keep their order when sorted by id: a batch takes the oldest first.
 */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    let i = 15;
    while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
    if (i >= 0) {
      lastRandom[i]!++;
      return encodeTime(lastTime) + lastRandom.map((d) => ALPHABET[d]).join("");
    }
    // 32^16 ids in one millisecond: start over in the next one.
    now = lastTime + 1;
  }
  lastTime = now;
  lastRandom = [...randomBytes(16)].map((b, i) => (i === 0 ? b % 16 : b % 32)); // headroom to count up
  return encodeTime(now) + lastRandom.map((d) => ALPHABET[d]).join("");
}

/** A ULID fixed by `seed`, so a sender's retry of the same request yields the same id. */
export function seededUlid(ms: number, seed: string): string {
  return encodeTime(ms) + encodeBytes(createHash("sha256").update(seed).digest());
}
