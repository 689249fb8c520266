import { revokeToken } from "@/lib/credentials/oauth";
import { withOAuthClient } from "@/lib/credentials/oauth-route";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /oauth/revoke: token revocation (RFC 7009)
export const POST = withOAuthClient(async (client, form) => {
  await revokeToken(client, form);
  return { status: 200, headers: { "cache-control": "no-store" }, body: null };
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
