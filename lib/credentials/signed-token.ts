// Access tokens that carry their own claims, sealed with an HMAC-SHA256 whose key only Gatehouse's
// processes hold (derived from the encryption key, as the audit keys are: never in the database).
// Issuing one therefore needs no row written first: any process can tell a token it issued from a
// forgery or an altered copy by the seal, and reads its credential, scopes and expiry from it. What
// can end a token early lives in PostgreSQL and is checked on use (oauth.ts findToken): its
// credential revoked, expired or deleted, or the token itself revoked (an "AccessToken" row with
// revokedAt, keyed by the token's id).
//
// Format: gat_<environment>_<base64url(body | seal)>, greppable by the same prefix as before
// (secret scanners match "gat_live_"); body = version 1 (1 byte) | issued at (u32 s) | expires at
// (u32 s) | token id (16 bytes, a UUID) | credential id length (1 byte) | credential id | scopes
// (space-separated, the rest); seal = HMAC-SHA256(key, "gat_<environment>_" | body), 32 bytes.
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from "node:crypto";
import { encryptionKey } from "@/lib/crypto/encryption";

const VERSION = 1;
const SEAL_BYTES = 32;
const FIXED = 1 + 4 + 4 + 16 + 1;
const SHAPE = /^gat_(test|live)_([A-Za-z0-9_-]{40,2800})$/;

export type AccessClaims = {
  /** The token's id (a UUID): the key of its "AccessToken" row, which records a revocation. */
  id: string;
  credentialId: string;
  environment: "test" | "live";
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
};

// A derived key: the same value in every copy of this module (no state).
let key: Buffer | undefined;
function sealKey(): Buffer {
  return (key ??= Buffer.from(hkdfSync("sha256", encryptionKey(), Buffer.alloc(0), "gatehouse access token seal v1", 32)));
}

function seal(prefix: string, body: Buffer): Buffer {
  return createHmac("sha256", sealKey()).update(prefix).update(body).digest();
}

/** A new token for these claims (a fresh id unless given). */
export function mintAccessToken(c: Omit<AccessClaims, "id"> & { id?: string }): { token: string; id: string } {
  const id = c.id ?? randomUUID();
  const credentialId = Buffer.from(c.credentialId, "utf8");
  if (credentialId.length > 255) throw new Error("credential id too long for an access token");
  const scopes = Buffer.from(c.scopes.join(" "), "utf8");
  const body = Buffer.allocUnsafe(FIXED + credentialId.length + scopes.length);
  body.writeUInt8(VERSION, 0);
  body.writeUInt32BE(Math.floor(c.issuedAt.getTime() / 1000), 1);
  body.writeUInt32BE(Math.floor(c.expiresAt.getTime() / 1000), 5);
  Buffer.from(id.replace(/-/g, ""), "hex").copy(body, 9);
  body.writeUInt8(credentialId.length, 25);
  credentialId.copy(body, FIXED);
  scopes.copy(body, FIXED + credentialId.length);
  const prefix = `gat_${c.environment}_`;
  return { token: prefix + Buffer.concat([body, seal(prefix, body)]).toString("base64url"), id };
}

/**
 * The claims of a token this deployment sealed, or null: not this format, a seal that does not
 * match (forged, altered, or sealed under another key), or malformed. Expiry is the caller's check.
 */
export function readAccessToken(token: string): AccessClaims | null {
  const m = SHAPE.exec(token);
  if (!m) return null;
  const raw = Buffer.from(m[2]!, "base64url");
  if (raw.length < FIXED + SEAL_BYTES || raw.toString("base64url") !== m[2]) return null;
  const body = raw.subarray(0, raw.length - SEAL_BYTES);
  const expected = seal(`gat_${m[1]}_`, body);
  if (!timingSafeEqual(expected, raw.subarray(raw.length - SEAL_BYTES))) return null;
  if (body.readUInt8(0) !== VERSION) return null;
  const idLen = body.readUInt8(25);
  if (FIXED + idLen > body.length) return null;
  const hex = body.subarray(9, 25).toString("hex");
  const scopes = body.subarray(FIXED + idLen).toString("utf8");
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    credentialId: body.subarray(FIXED, FIXED + idLen).toString("utf8"),
    environment: m[1] as "test" | "live",
    scopes: scopes ? scopes.split(" ") : [],
    issuedAt: new Date(body.readUInt32BE(1) * 1000),
    expiresAt: new Date(body.readUInt32BE(5) * 1000),
  };
}
