// POST /oauth/token's handler: the client-credentials grant (oauth.ts issueToken) for an
// authenticated client (oauth-route.ts), within the credential's issuance quota (quota-lease.ts),
// with a record of what authenticated the exchange (which secret, or which key for
// private_key_jwt) and from where (exchange-records.ts).
// `features` exists for bench/token-endpoint.ts, which measures the endpoint with the quota and
// the record turned off beside the same with them on, in one run; the app always runs with both.
import { issueToken } from "@/lib/credentials/oauth";
import { oauthJson, withOAuthClient } from "@/lib/credentials/oauth-route";
import { countTokenExchange } from "@/lib/observability/metrics";

export function tokenEndpoint(features: { quotas?: boolean; recordUse?: boolean } = {}) {
  const quota = features.quotas ?? true;
  const recordUse = features.recordUse ?? true;
  return withOAuthClient(
    async (client, form, call, via) => oauthJson(await issueToken(client, form, { quota, use: recordUse ? { tag: via.tag, ip: call.ip } : null })),
    { outcome: countTokenExchange },
  );
}
