// Bearer-token authentication for /api/v1: one indexed lookup by the token's SHA-256, remembered
// for a second (lib/credentials/token-cache.ts); revoking a token or its credential forgets
// every remembered token at once, so it takes effect on the next request.
import { AppError } from "@/lib/api/errors";
import { sha256 } from "@/lib/credentials/hash";
import { findToken, tokenIsActive, touchCredential, touchToken } from "@/lib/credentials/oauth";
import { recallToken, rememberToken, tokenEpoch } from "@/lib/credentials/token-cache";
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
  const now = new Date();
  const hash = sha256(token);
  let t = recallToken(hash, now.getTime()) ?? null;
  if (!t) {
    const epoch = tokenEpoch();
    t = await findToken(token);
    if (t && tokenIsActive(t, now)) rememberToken(hash, t, epoch, now.getTime());
  }
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
