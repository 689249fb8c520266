import { issueToken, OAuthError, readClientAuth } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";
import { quotaExceeded, takeIssuanceQuota } from "@/lib/credentials/issuance-quota";
import { presentedSecretHash, recordSecretUse } from "@/lib/credentials/secret-usage";
import { requestInfo } from "@/lib/api/request-info";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";
import { countTokenExchange } from "@/lib/observability/metrics";

// POST /oauth/token: client-credentials grant (RFC 6749 §4.4), within the credential's issuance
// quota; which secret authenticated it, from where, is recorded without waiting (secret-usage.ts)
export const POST = withOAuthClient(async (client, form, req) => {
  const token = await issueToken(client, form, async () => {
    const quota = await takeIssuanceQuota(client);
    if (!quota.ok) throw Object.assign(new OAuthError("rate_limited", quotaExceeded(quota), 429), { retryAfterSeconds: quota.retryAfterSeconds });
  });
  const auth = readClientAuth(req.headers.get("authorization"), form);
  if (auth.method !== "private_key_jwt") {
    void recordSecretUse({ credentialId: client.id, secretHash: presentedSecretHash(auth.clientSecret), ip: requestInfo(req.headers).ip, at: new Date() });
  }
  return oauthJson(token);
}, { outcome: countTokenExchange });

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
