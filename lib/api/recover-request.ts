// What a retry gets when the first request with its Idempotency-Key committed a change, then the
// process stopped before answering (the claim names the change: lib/api/idempotency.ts). Never a
// second copy of the work: a route that can rebuild its answer does (its `recover`, e.g. POST
// /api/v1/endpoints answers the endpoint it created, without the one-time secret); any other
// answers 409 naming what was done.
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";

export type CommittedChange = { action: string; targetType: string | null; targetId: string | null };

/** The change an `audit:<id>` claim names, in this organization (null for other refs). */
export async function committedChange(resourceRef: string, orgId: string): Promise<CommittedChange | null> {
  if (!resourceRef.startsWith("audit:")) return null;
  return db.auditEvent.findFirst({
    where: { id: resourceRef.slice("audit:".length), orgId },
    select: { action: true, targetType: true, targetId: true },
  });
}

/** The answer when the route cannot rebuild its own: 409, naming the change that was made. */
export async function completedElsewhere(resourceRef: string, orgId: string): Promise<never> {
  const change = await committedChange(resourceRef, orgId);
  const what = change ? ` (${change.action}${change.targetId ? ` ${change.targetId}` : ""})` : "";
  throw new AppError(
    "idempotency_completed",
    `The request with this Idempotency-Key was already carried out${what}, but its response was lost when the server stopped. ` +
      "It is not repeated: read the resource to see its state.",
  );
}

/**
 * A create route's `recover`: the resource the claim names (of `targetType`, in the caller's
 * organization and environment), answered as the create would have (201), but with its one-time
 * secret field null and listed in `secrets_omitted`, as every replay does. Anything else: 409.
 */
export function recoverCreated<T>(opts: {
  targetType: string;
  load: (id: string, scope: { orgId: string; environment: string }) => Promise<T | null>;
  view: (row: T) => object | Promise<object>;
  secretField: string;
}) {
  return async (resourceRef: string, ctx: { orgId: string; environment: string }): Promise<Response> => {
    const change = await committedChange(resourceRef, ctx.orgId);
    const row = change?.targetType === opts.targetType && change.targetId ? await opts.load(change.targetId, ctx) : null;
    if (!row) return completedElsewhere(resourceRef, ctx.orgId);
    const body = { ...(await opts.view(row)), [opts.secretField]: null, secrets_omitted: [opts.secretField] };
    return new Response(JSON.stringify(body), {
      status: 201,
      headers: { "content-type": "application/json", "cache-control": "no-store", "Secrets-Omitted": opts.secretField },
    });
  };
}
