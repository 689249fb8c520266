import { revokeToken } from "@/lib/credentials/oauth";
import { withOAuthClient } from "@/lib/credentials/oauth-route";

// POST /oauth/revoke: token revocation (RFC 7009)
export const POST = withOAuthClient(async (client, form) => {
  await revokeToken(client, form);
  return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
});
