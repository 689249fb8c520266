// Bearer-token authentication for /api/v1: one indexed lookup by the token's SHA-256.
// Revoking a credential takes effect on the next request because its status is read here.
import { AppError } from "@/lib/api/errors";
import { findToken, tokenIsActive } from "@/lib/credentials/oauth";
import { db } from "@/lib/db/client";
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

const LAST_USED_RESOLUTION_MS = 60_000; // lastUsedAt is right to the minute, not written per request

export async function authenticateToken(token: string): Promise<TokenCaller> {
  const t = await findToken(token);
  const now = new Date();
  if (!t || !tokenIsActive(t, now)) {
    throw new AppError("unauthorized", "Invalid, expired or revoked access token.", {
      headers: { "WWW-Authenticate": 'Bearer realm="gatehouse", error="invalid_token"' },
    });
  }
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Fire and forget: a lost update only delays lastUsedAt; it never blocks the request.
    void Promise.all([
      db.accessToken.updateMany({ where: { id: t.id }, data: { lastUsedAt: now } }),
      db.credential.updateMany({
        where: { id: t.credentialId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
        data: { lastUsedAt: now },
      }),
    ]).catch(() => {});
  }
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
