import { openApiDocument } from "@/lib/api/openapi";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

// GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the zod schemas
export async function GET() {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=60" } });
}

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
