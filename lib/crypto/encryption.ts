// AES-256-GCM for secrets Gatehouse must use later (signing secrets, auth tokens).
// Format: "v1:" + base64url(iv | ciphertext | tag). The key comes from GATEHOUSE_ENCRYPTION_KEY
// or, on the embedded defaults, from .data/encryption.key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { localSecret } from "@/lib/crypto/local-secret";

let cachedKey: Buffer | undefined;

export function encryptionKey(): Buffer {
  if (cachedKey) return cachedKey;
  const raw = localSecret({
    envName: "GATEHOUSE_ENCRYPTION_KEY",
    envValue: env().GATEHOUSE_ENCRYPTION_KEY,
    file: "encryption.key",
  });
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) {
    throw new Error("GATEHOUSE_ENCRYPTION_KEY must be 32 bytes, as base64 (44 characters) or hex (64 characters).");
  }
  cachedKey = key;
  return key;
}

export function encrypt(plaintext: string, key = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return "v1:" + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url");
}

export function decrypt(payload: string, key = encryptionKey()): string {
  if (!payload.startsWith("v1:")) throw new Error("Unknown ciphertext format");
  const buf = Buffer.from(payload.slice(3), "base64url");
  if (buf.length < 28) throw new Error("Ciphertext too short");
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
  decipher.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]).toString("utf8");
}
