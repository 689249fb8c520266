// Signing secrets in the Standard Webhooks form: `whsec_` + base64 of random bytes. Stored
// encrypted (AES-256-GCM) because the delivery engine needs them back to sign.
import { randomBytes } from "node:crypto";
import { decrypt } from "@/lib/crypto/encryption";
import { liveGraceSecrets } from "@/lib/crypto/grace-secrets";
import type { Endpoint } from "@/lib/generated/prisma/client";

export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * The secrets a delivery must be signed with right now: the current one, and the previous one
 * while its rotation window runs (receivers may still verify with either).
 */
export function endpointSigningSecrets(
  endpoint: Pick<Endpoint, "secretEncrypted" | "previousSecretEncrypted" | "previousSecretUntil" | "olderSecrets">,
  now = new Date(),
  /** How a stored secret is decrypted (the delivery engine passes one that remembers, per batch). */
  open: (ciphertext: string) => string = decrypt,
): string[] {
  const secrets = [open(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    secrets.push(open(endpoint.previousSecretEncrypted));
  }
  // Earlier secrets still in their window (a rotation inside a window keeps them).
  for (const s of liveGraceSecrets(endpoint.olderSecrets, now)) secrets.push(open(s.value));
  return secrets;
}

/** The bearer token to send as `Authorization: Bearer …`, if one is set. */
export function endpointAuthToken(endpoint: Pick<Endpoint, "authTokenEncrypted">): string | null {
  return endpoint.authTokenEncrypted ? decrypt(endpoint.authTokenEncrypted) : null;
}
