import { problemResponse } from "@/lib/api/problem-response";
import { originFromRequest, requestOrigin } from "@/lib/api/request-info";
import { BUILT_IN_SCOPES } from "@/lib/credentials/scopes";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { ASSERTION_ALGORITHMS } from "@/lib/credentials/client-keys";

export const dynamic = "force-dynamic";

// private_key_jwt (RFC 7523) works for credentials with registered public keys.
const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"];

// GET /.well-known/oauth-authorization-server: server metadata (RFC 8414). Cacheable only when
// the issuer is GATEHOUSE_PUBLIC_URL, not something derived from the request's headers.
export async function GET(req: Request) {
  let issuer: string;
  try {
    issuer = requestOrigin(req);
  } catch (err) {
    return problemResponse(err, "/.well-known/oauth-authorization-server");
  }
  const cache = originFromRequest() ? "no-store" : "public, max-age=3600";
  return Response.json({
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    grant_types_supported: ["client_credentials"],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    scopes_supported: BUILT_IN_SCOPES.map((s) => s.name),
  }, { headers: { "cache-control": cache } });
}

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
