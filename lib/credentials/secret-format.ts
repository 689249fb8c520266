// Secret formats: <prefix>_<environment>_<30 random base62 chars><6-char base62 CRC32 checksum>,
// the way GitHub's tokens work: greppable by secret scanners, and a typo or truncation is
// caught offline (and cheaply, before any database lookup).
import { randomBytes } from "node:crypto";

export const PREFIX = {
  clientSecret: "gsk",
  accessToken: "gat",
  inboundToken: "gin",
  clientId: "gci",
} as const;
export type SecretKind = keyof typeof PREFIX;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LEN = 30; // 30 × log2(62) ≈ 178 bits
const CHECK_LEN = 6;

function randomBase62(n: number): string {
  let out = "";
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += ALPHABET[b % 62]; // 248 = 4 × 62: no modulo bias
      if (out.length === n) break;
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function base62Fixed(n: number, len: number): string {
  let out = "";
  for (let i = 0; i < len; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateSecret(kind: SecretKind, environment: "test" | "live"): string {
  const body = `${PREFIX[kind]}_${environment}_${randomBase62(RANDOM_LEN)}`;
  return body + base62Fixed(crc32(body), CHECK_LEN);
}

const SHAPE = /^(gsk|gat|gin|gci)_(test|live)_([0-9A-Za-z]{36})$/;

/** Checks prefix, shape and checksum without any lookup. */
export function parseSecret(value: string): { kind: SecretKind; environment: "test" | "live" } | null {
  const m = SHAPE.exec(value);
  if (!m) return null;
  const body = value.slice(0, value.length - CHECK_LEN);
  if (base62Fixed(crc32(body), CHECK_LEN) !== value.slice(-CHECK_LEN)) return null;
  const kind = (Object.keys(PREFIX) as SecretKind[]).find((k) => PREFIX[k] === m[1])!;
  return { kind, environment: m[2] as "test" | "live" };
}
