// Bearer-token authentication for /api/v1. Replaced by the credentials feature.
import { AppError } from "@/lib/api/errors";
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

export async function authenticateToken(_token: string): Promise<TokenCaller> {
  throw new AppError("unauthorized", "Invalid or expired access token.", {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });
}
