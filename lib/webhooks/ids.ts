// Public ids. Endpoints: `ep_` + UUID (reference 004). Events and deliveries: a prefix + a
// time-ordered 26-character id (48-bit milliseconds + 80 random bits, Crockford base32, like a
// ULID), monotonic within the process, so ids sort by creation order even within a millisecond
// and a delivery's id can serve as its stable `webhook-id`.
import { randomBytes, randomUUID } from "node:crypto";
import { runtime } from "@/lib/runtime/runtime";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RAND_MAX = (1n << 80n) - 1n;
// The last id's time and counter are the process's (lib/runtime/runtime.ts): ids made through
// either module graph (Next.js's, the lean layer's) keep one order.
const clock = runtime().ids;

function encode(value: bigint, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export function timeOrderedId(now = Date.now()): string {
  if (now <= clock.lastTime && clock.lastRand < RAND_MAX) {
    clock.lastRand += 1n; // same (or a past) millisecond: keep order by counting up
  } else {
    clock.lastTime = Math.max(now, clock.lastTime + (now <= clock.lastTime ? 1 : 0));
    clock.lastRand = BigInt(`0x${randomBytes(10).toString("hex")}`) >> 1n; // headroom for counting up
  }
  return encode(BigInt(clock.lastTime), 10) + encode(clock.lastRand, 16);
}

export const newEndpointId = () => `ep_${randomUUID()}`;
export const newEventId = () => `evt_${timeOrderedId()}`;
export const newDeliveryId = () => `msg_${timeOrderedId()}`;
