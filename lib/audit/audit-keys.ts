// Keys for the audit trail, derived (HKDF-SHA256, a distinct label each) from the encryption key,
// which lives in GATEHOUSE_ENCRYPTION_KEY or .data/, never in the database. A database owner can
// therefore neither re-hash an edited chain nor sign a checkpoint.
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";
import { encryptionKey } from "@/lib/crypto/encryption";

function derive(label: string): Buffer {
  return Buffer.from(hkdfSync("sha256", encryptionKey(), Buffer.alloc(0), label, 32));
}

/** The HMAC key of the audit hash chain (hashVersion 2). */
export function auditChainKey(): Buffer {
  return derive("gatehouse audit chain v1");
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The Ed25519 key pair that signs audit checkpoints; the public half can be published. */
export function auditCheckpointKeys(): { privateKey: KeyObject; publicKey: KeyObject; publicKeyRaw: Buffer; keyId: string } {
  const seed = derive("gatehouse audit checkpoint signing v1");
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: "der", type: "spki" });
  const publicKeyRaw = spki.subarray(spki.length - 32);
  return { privateKey, publicKey, publicKeyRaw, keyId: createHash("sha256").update(publicKeyRaw).digest("hex").slice(0, 16) };
}

/**
 * The HMAC key that seals each event's provenance (lib/events/provenance.ts): derived from the
 * same secret as the chain key, under its own label, so it too is out of the database's reach.
 */
export function provenanceKey(): Buffer {
  return derive("gatehouse event provenance v1");
}
