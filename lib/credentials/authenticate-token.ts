// Bearer-token authentication for /api/v1: one indexed lookup by the token's SHA-256.
// Revoking a credential takes effect on the next request because its status is read here,
// with no cache in between.
import { AppError } from "@/lib/api/errors";
import { findToken, tokenIsActive, touchCredential, touchToken } from "@/lib/credentials/oauth";
import type { Environment } from "@/lib/generated/prisma/client";

export type TokenCaller = {
  kind: "token";
  tokenId: string;
  credentialId: string;
  label: string;
  orgId: string;
  environment: Environment;
  scopes: string[];
};

export async function authenticateToken(token: string): Promise<TokenCaller> {
  const t = await findToken(token);
  const now = new Date();
  if (!t || !tokenIsActive(t, now)) {
    throw new AppError("unauthorized", "Invalid, expired or revoked access token.", {
      headers: { "WWW-Authenticate": 'Bearer realm="gatehouse", error="invalid_token"' },
    });
  }
  // lastUsedAt, right to the minute: written at most once a minute per token and credential.
  touchToken(t.id, t.lastUsedAt, now);
  touchCredential(t.credentialId, t.credential.lastUsedAt, now);
  return {
    kind: "token",
    tokenId: t.id,
    credentialId: t.credentialId,
    label: t.credential.name,
    orgId: t.credential.orgId,
    environment: t.credential.environment,
    scopes: t.scopes,
  };
}
