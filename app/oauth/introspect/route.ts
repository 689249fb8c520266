import { introspect } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /oauth/introspect: token introspection (RFC 7662)
export const POST = withOAuthClient(async (client, form, call) => oauthJson(await introspect(client, form, call.origin())));

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
