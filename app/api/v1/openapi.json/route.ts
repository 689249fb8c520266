import { z } from "zod";
import { openApiDocument } from "@/lib/api/openapi";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { json, withApi } from "@/lib/api/with-api";
import { listEventTypes } from "@/lib/webhooks/event-types";

const MAX_DOCUMENTED_TYPES = 1000;

// GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the zod schemas. Anyone gets
// the starting catalog's event types in `webhooks`; a caller with a token (events:read) or a
// console session gets its own environment's catalog, each type with its payload schema.
export async function GET(req: Request) {
  const signedIn = req.headers.has("authorization") || /(^|;\s*)(__Secure-)?authjs\.session-token=/.test(req.headers.get("cookie") ?? "");
  if (signedIn) return forCaller(req);
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=60" } });
}

const forCaller = withApi({ scopes: ["events:read"] }, async (ctx) => {
  ctx.query(z.strictObject({}));
  const types = await listEventTypes({ orgId: ctx.orgId, environment: ctx.environment, archived: "false", limit: MAX_DOCUMENTED_TYPES });
  const doc = openApiDocument(undefined, types.map((t) => ({ name: t.name, description: t.description, schema: t.schema })));
  return json(doc, { headers: { "cache-control": "private, no-store" } });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
