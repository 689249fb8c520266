import { requestOrigin } from "@/lib/api/request-info";
import { introspect } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";

// POST /oauth/introspect: token introspection (RFC 7662)
export const POST = withOAuthClient(async (client, form, req) =>
  oauthJson(await introspect(client, form, requestOrigin(req))),
);
