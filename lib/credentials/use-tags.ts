// Names what authenticated a token exchange in the secret-use record (CredentialSecretUse
// "secretTag"): a secret by the first 16 hex digits of its SHA-256 (the hash kept on the
// credential), a private_key_jwt key by "key:" and its id. The two never collide (no colon in hex).

/** A secret, by its SHA-256 (hex). */
export function secretTag(secretHash: string): string {
  return secretHash.slice(0, 16);
}

const MAX_KEY_ID = 120;

/** A client key (private_key_jwt), by its kid, or its RFC 7638 thumbprint when it has none. */
export function keyTag(keyId: string): string {
  return `key:${keyId.slice(0, MAX_KEY_ID)}`;
}

/** The key id of a key tag; null for a secret's tag. */
export function keyIdOf(tag: string): string | null {
  return tag.startsWith("key:") ? tag.slice(4) : null;
}
