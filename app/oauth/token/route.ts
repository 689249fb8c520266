import { issueToken, readClientAuth } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";
import { presentedSecretHash, recordSecretUse } from "@/lib/credentials/secret-usage";
import { requestInfo } from "@/lib/api/request-info";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /oauth/token: client-credentials grant (RFC 6749 §4.4); which secret authenticated it,
// from where, is recorded without waiting (lib/credentials/secret-usage.ts)
export const POST = withOAuthClient(async (client, form, req) => {
  const body = oauthJson(await issueToken(client, form));
  const { clientSecret } = readClientAuth(req.headers.get("authorization"), form);
  void recordSecretUse({ credentialId: client.id, secretHash: presentedSecretHash(clientSecret), ip: requestInfo(req.headers).ip, at: new Date() });
  return body;
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
