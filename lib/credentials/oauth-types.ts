// The shapes the OAuth endpoints (oauth.ts) and their in-process cache (token-cache.ts) share,
// apart from both so that neither imports the other.
import type { Credential } from "@/lib/generated/prisma/client";

/** What the OAuth endpoints need of a credential (one row, read with plain SQL: the hot path). */
export type OAuthClient = Pick<
  Credential,
  | "id"
  | "orgId"
  | "environment"
  | "name"
  | "clientId"
  | "secretHash"
  | "previousSecretHash"
  | "previousSecretUntil"
  | "olderSecrets"
  | "scopes"
  | "tokenLifetimeSeconds"
  | "expiresAt"
  | "status"
  | "lastUsedAt"
  | "tokensPerHour"
  | "tokensPerDay"
  | "lockedUntil"
  | "keysOnly"
>;

/**
 * What authenticated a request: its method, and `tag`, which secret or key (use-tags.ts): the
 * secret-use record (secret-usage.ts) counts exchanges per tag.
 */
export type ClientProof = { method: "client_secret_basic" | "client_secret_post" | "private_key_jwt"; tag: string };

/** A token with what decides whether it is active; one indexed lookup (its credential, or its SHA-256). */
export type FoundToken = {
  /** A sealed token (signed-token.ts): its claims came from itself, its row may not exist yet. */
  sealed?: boolean;
  id: string;
  credentialId: string;
  scopes: string[];
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  credential: Pick<Credential, "id" | "orgId" | "environment" | "name" | "clientId" | "status" | "expiresAt" | "lastUsedAt">;
};
