import { issueToken } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";
import { countTokenExchange } from "@/lib/observability/metrics";

// POST /oauth/token: client-credentials grant (RFC 6749 §4.4)
export const POST = withOAuthClient(async (client, form) => oauthJson(await issueToken(client, form)), { outcome: countTokenExchange });

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
