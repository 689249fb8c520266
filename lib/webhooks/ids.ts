// Public ids. Endpoints: `ep_` + UUID (reference 004). Events and deliveries: a prefix + a
// time-ordered 26-character id (48-bit milliseconds + 80 random bits, Crockford base32, like a
// ULID), monotonic within the process, so ids sort by creation order even within a millisecond
// and a delivery's id can serve as its stable `webhook-id`.
import { randomBytes, randomUUID } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RAND_MAX = (1n << 80n) - 1n;
let lastTime = 0;
let lastRand = 0n;

function encode(value: bigint, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export function timeOrderedId(now = Date.now()): string {
  if (now <= lastTime && lastRand < RAND_MAX) {
    lastRand += 1n; // same (or a past) millisecond: keep order by counting up
  } else {
    lastTime = Math.max(now, lastTime + (now <= lastTime ? 1 : 0));
    lastRand = BigInt(`0x${randomBytes(10).toString("hex")}`) >> 1n; // headroom for counting up
  }
  return encode(BigInt(lastTime), 10) + encode(lastRand, 16);
}

export const newEndpointId = () => `ep_${randomUUID()}`;
export const newEventId = () => `evt_${timeOrderedId()}`;
export const newDeliveryId = () => `msg_${timeOrderedId()}`;
