import { tokenEndpoint } from "@/lib/credentials/token-endpoint";
import { oauthMethodsNotAllowed } from "@/lib/api/method-not-allowed";

// POST /oauth/token: client-credentials grant (RFC 6749 §4.4), within the credential's issuance
// quota; what authenticated it (which secret, or key), from where, is recorded without waiting
export const POST = tokenEndpoint();

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = oauthMethodsNotAllowed(["POST"]);
