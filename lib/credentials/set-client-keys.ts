// Registers (or removes) the public keys a credential's client signs private_key_jwt assertions
// with: a JWKS, or a URL serving one (fetched here once, so a wrong URL is refused now rather than
// at the client's first exchange). Audited with the keys' public identity (kid, kty, alg).
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { checkedJwks, clientKeysView, fetchJwks, JwksProblem } from "@/lib/credentials/client-keys";
import { db } from "@/lib/db/client";
import { Prisma, type Environment } from "@/lib/generated/prisma/client";

export async function setClientKeys(opts: {
  orgId: string;
  environment: Environment;
  id: string;
  /** Both absent: remove the keys. */
  jwks?: unknown;
  jwksUrl?: string;
  ctx: AuditContext;
}) {
  let jwks: Prisma.InputJsonValue | typeof Prisma.DbNull = Prisma.DbNull;
  let fetched: Prisma.InputJsonValue | typeof Prisma.DbNull = Prisma.DbNull;
  if (opts.jwks !== undefined) jwks = (await checkedJwks(opts.jwks, "jwks")) as unknown as Prisma.InputJsonValue;
  if (opts.jwksUrl !== undefined) {
    try {
      fetched = (await fetchJwks(opts.jwksUrl, opts.environment)) as unknown as Prisma.InputJsonValue;
    } catch (err) {
      if (err instanceof JwksProblem) throw new AppError("validation_failed", `jwks_url: ${err.message}`, { errors: [{ field: "jwks_url", message: err.message }] });
      throw err;
    }
  }
  const removing = opts.jwks === undefined && opts.jwksUrl === undefined;
  return db.$transaction(async (tx) => {
    const c = await tx.credential.findFirst({ where: { id: opts.id, orgId: opts.orgId, environment: opts.environment } });
    if (!c) throw new AppError("not_found", "No such credential in this environment.");
    if (c.status === "revoked") throw new AppError("conflict", "This credential is revoked.");
    // Keys only with no keys: nothing could authenticate. The admin turns secrets back on first.
    if (removing && c.keysOnly) throw new AppError("conflict", "This credential accepts only keys: turn its secrets back on (keys_only: false) before removing them.");
    const updated = await tx.credential.update({
      where: { id: c.id },
      data: {
        jwks,
        jwksUrl: opts.jwksUrl ?? null,
        jwksFetched: fetched,
        jwksFetchedAt: opts.jwksUrl !== undefined ? new Date() : null,
      },
    });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      environment: opts.environment,
      ctx: opts.ctx,
      action: removing ? "credential.client_keys_removed" : "credential.client_keys_set",
      target: { type: "credential", id: c.id, label: c.name },
      before: clientKeysView(c),
      after: clientKeysView(updated),
    });
    return updated;
  });
}
