import { requestOrigin } from "@/lib/api/request-info";
import { BUILT_IN_SCOPES } from "@/lib/credentials/scopes";

export const dynamic = "force-dynamic";

// GET /.well-known/oauth-authorization-server: server metadata (RFC 8414)
export async function GET(req: Request) {
  const issuer = requestOrigin(req);
  return Response.json({
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    grant_types_supported: ["client_credentials"],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    scopes_supported: BUILT_IN_SCOPES.map((s) => s.name),
  });
}
