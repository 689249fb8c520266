import { decodeCursor, paginate, paginationQuery } from "@/lib/api/pagination";
import { json, withApi } from "@/lib/api/with-api";
import { recoverCreated } from "@/lib/api/recover-request";
import { db } from "@/lib/db/client";
import type { Environment } from "@/lib/generated/prisma/client";
import { createCredential, listCredentials } from "@/lib/credentials/manage-credentials";
import { credentialView } from "@/lib/credentials/views";
import { createCredentialSchema } from "@/lib/validations/credentials";
import { z } from "zod";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

const cursorSchema = z.object({ createdAt: z.string(), id: z.string() });

// GET /api/v1/credentials: credentials of the current environment, newest first
export const GET = withApi({ sessionOnly: true }, async (ctx) => {
  const q = ctx.query(paginationQuery);
  const rows = await listCredentials({
    orgId: ctx.orgId,
    environment: ctx.environment,
    limit: q.limit,
    cursor: decodeCursor(q.cursor, cursorSchema),
  });
  return json(paginate(rows, q.limit, (c) => ({ createdAt: c.createdAt.toISOString(), id: c.id }), credentialView));
});

// POST /api/v1/credentials: create a credential; the secret is in this response only
// (admins; developers in test mode when the organization's policy lets them)
// (a retry whose first try created it but crashed before answering gets that credential: recover)
const recover = recoverCreated({
  targetType: "credential",
  load: (id, s) => db.credential.findFirst({ where: { id, orgId: s.orgId, environment: s.environment as Environment } }),
  view: credentialView,
  secretField: "client_secret",
});
export const POST = withApi({ role: "developer", sessionOnly: true, recover }, async (ctx) => {
  const input = ctx.body(createCredentialSchema);
  const { credential, secret } = await createCredential({
    orgId: ctx.orgId,
    environment: ctx.environment,
    name: input.name,
    scopes: input.scopes,
    expiresAt: input.expires_at ? new Date(input.expires_at) : null,
    tokenLifetimeSeconds: input.token_lifetime_seconds,
    tokensPerHour: input.tokens_per_hour,
    tokensPerDay: input.tokens_per_day,
    createdById: ctx.caller.kind === "session" ? ctx.caller.userId : null,
    role: ctx.caller.kind === "session" ? ctx.caller.role : null,
    ctx: ctx.actor,
  });
  return json({ ...credentialView(credential), client_secret: secret }, { status: 201 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
