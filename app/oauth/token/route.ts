import { issueToken } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";

// POST /oauth/token: client-credentials grant (RFC 6749 §4.4)
export const POST = withOAuthClient(async (client, form) => oauthJson(await issueToken(client, form)));
