// Test and live are separate worlds for API tokens: a token belongs to one environment and can
// neither read nor change the other one. Routes that take an `environment` (a query parameter,
// a body field) pass it through here: a token asking for its own environment, or for none, gets
// its own; a token asking for the other one is refused with 403, never silently widened or
// narrowed, so a caller cannot mistake an empty answer for "nothing happened in live".
// Console sessions are not confined: a member switches environments freely in the header, and
// the audit log is an organization-wide view filtered by environment.
import { AppError } from "@/lib/api/errors";
import type { Caller } from "@/lib/api/with-api";
import type { AuditEventFilters } from "@/lib/audit/list-audit-events";
import type { Environment } from "@/lib/generated/prisma/client";

export function assertTokenEnvironment(
  ctx: { caller: Caller; environment: Environment },
  requested: Environment | null | undefined,
  field = "environment",
): void {
  if (ctx.caller.kind !== "token" || requested === undefined || requested === null || requested === ctx.environment) return;
  throw new AppError(
    "forbidden",
    `This access token belongs to the ${ctx.environment} environment and cannot read or change ${requested}; use a ${requested} credential.`,
    { errors: [{ field, message: `must be ${ctx.environment} (the token's environment) or left out` }] },
  );
}

/**
 * For reads of the organization-wide hash chain (verification, checkpoints), which covers live
 * entries: test tokens are refused, since even counts and head hashes describe live activity.
 */
export function assertNotTestToken(ctx: { caller: Caller; environment: Environment }, what: string): void {
  if (ctx.caller.kind === "token" && ctx.environment !== "live") {
    throw new AppError(
      "forbidden",
      `${what} covers the whole organization, live entries included, so a test token cannot read it; use a live token or the console.`,
    );
  }
}

/**
 * The filters of an audit-log read (list or export) from its query: a token asking for the other
 * environment is refused, and a token's read is confined to its environment plus
 * organization-wide entries.
 */
export function auditFiltersFor(
  ctx: { caller: Caller; environment: Environment; orgId: string },
  q: { actor?: string; caused_by_credential?: string; action?: string; target_id?: string; from?: Date; to?: Date; environment?: Environment },
): AuditEventFilters {
  assertTokenEnvironment(ctx, q.environment);
  return {
    orgId: ctx.orgId,
    actor: q.actor,
    causedByCredential: q.caused_by_credential,
    action: q.action,
    targetId: q.target_id,
    from: q.from,
    to: q.to,
    environment: q.environment,
    confineTo: ctx.caller.kind === "token" ? ctx.environment : undefined,
  };
}
