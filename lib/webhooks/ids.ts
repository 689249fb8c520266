// Public ids. Endpoints: `ep_` + UUID (reference 004). Events and deliveries: a prefix + a
// time-ordered 26-character id (48-bit milliseconds + 80 random bits, Crockford base32), so ids
// sort by creation time and a delivery's id can serve as its stable `webhook-id`.
import { randomBytes, randomUUID } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function timeOrdered(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = "";
  let acc = 0n;
  for (const b of bytes) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(acc & 31n)] + rand;
    acc >>= 5n;
  }
  return time + rand;
}

export const newEndpointId = () => `ep_${randomUUID()}`;
export const newEventId = () => `evt_${timeOrdered()}`;
export const newDeliveryId = () => `msg_${timeOrdered()}`;
