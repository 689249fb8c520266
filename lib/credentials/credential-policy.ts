// The organization's credential policy (Settings > General; owners only; audited): maximum
// credential lifetime, allowed scopes, minimum and maximum token lifetime, and whether developers
// may create test credentials. A new credential outside it is refused with 422 naming the policy
// and the field; existing credentials that break a new policy are listed, never changed.
import { AppError } from "@/lib/api/errors";
import { recordAuditEvent, type AuditContext } from "@/lib/audit/record-audit-event";
import { db, type Tx } from "@/lib/db/client";
import type { CredentialPolicy, Environment, Role } from "@/lib/generated/prisma/client";
import type { CredentialPolicyInput, CredentialPolicyView } from "@/lib/validations/credential-policy";

const DAY_MS = 24 * 3600_000;

type Policy = Omit<CredentialPolicy, "orgId" | "updatedAt">;

const NONE: Policy = {
  maxCredentialLifetimeDays: null,
  allowedScopes: [],
  minTokenLifetimeSeconds: null,
  maxTokenLifetimeSeconds: null,
  developersCreateTestCredentials: false,
};

export async function getCredentialPolicy(orgId: string, tx: Tx | typeof db = db): Promise<Policy> {
  return (await tx.credentialPolicy.findUnique({ where: { orgId } })) ?? NONE;
}

type NewCredential = { scopes: string[]; expiresAt: Date | null; tokenLifetimeSeconds: number };
type Breach = { field: string; policy: string; message: string };

/** What breaks the policy, field by field (empty when nothing does). */
export function policyBreaches(p: Policy, c: NewCredential, now: Date): Breach[] {
  const out: Breach[] = [];
  if (p.maxCredentialLifetimeDays !== null) {
    const latest = now.getTime() + p.maxCredentialLifetimeDays * DAY_MS;
    if (!c.expiresAt) {
      out.push({ field: "expires_at", policy: "max_credential_lifetime_days", message: `credentials must expire within ${p.maxCredentialLifetimeDays} days (organization policy)` });
    } else if (c.expiresAt.getTime() > latest + 60_000) {
      out.push({ field: "expires_at", policy: "max_credential_lifetime_days", message: `must be within ${p.maxCredentialLifetimeDays} days (organization policy)` });
    }
  }
  if (p.allowedScopes.length) {
    c.scopes.forEach((s, i) => {
      if (!p.allowedScopes.includes(s)) out.push({ field: `scopes[${i}]`, policy: "allowed_scopes", message: `"${s}" is not among the scopes the organization's policy allows` });
    });
  }
  if (p.minTokenLifetimeSeconds !== null && c.tokenLifetimeSeconds < p.minTokenLifetimeSeconds) {
    out.push({ field: "token_lifetime_seconds", policy: "min_token_lifetime_seconds", message: `must be at least ${p.minTokenLifetimeSeconds} (organization policy)` });
  }
  if (p.maxTokenLifetimeSeconds !== null && c.tokenLifetimeSeconds > p.maxTokenLifetimeSeconds) {
    out.push({ field: "token_lifetime_seconds", policy: "max_token_lifetime_seconds", message: `must be at most ${p.maxTokenLifetimeSeconds} (organization policy)` });
  }
  return out;
}

/** Inside createCredential's transaction: 422 naming the policy when the new credential breaks it; 403 for a developer the policy does not let create it. */
export async function assertWithinPolicy(tx: Tx, opts: { orgId: string; environment: Environment; role: Role | null; credential: NewCredential }) {
  const p = await getCredentialPolicy(opts.orgId, tx);
  if (opts.role === "developer" && !(opts.environment === "test" && p.developersCreateTestCredentials)) {
    throw new AppError(
      "forbidden",
      opts.environment === "test"
        ? "Developers may not create credentials in this organization (policy: developers_create_test_credentials is off); ask an admin."
        : "Developers may create test credentials only; switch to test mode or ask an admin.",
    );
  }
  const breaches = policyBreaches(p, opts.credential, new Date());
  if (breaches.length) {
    throw new AppError("validation_failed", `Outside the organization's credential policy: ${breaches.map((b) => `${b.field}: ${b.message}`).join("; ")}`, {
      errors: breaches.map((b) => ({ field: b.field, message: `${b.message} [policy: ${b.policy}]` })),
    });
  }
}

/** Active credentials that break the policy as it stands (listed, not changed). */
export async function policyViolations(orgId: string, p: Policy) {
  const now = new Date();
  const active = await db.credential.findMany({
    where: { orgId, status: "active", OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: { createdAt: "desc" },
    take: 1000,
  });
  return active.flatMap((c) => {
    // The lifetime rule, for an existing credential: it must expire within the maximum from its creation.
    const breaches = policyBreaches(p, { scopes: c.scopes, expiresAt: c.expiresAt, tokenLifetimeSeconds: c.tokenLifetimeSeconds }, c.createdAt);
    return breaches.length
      ? [{ id: c.id, name: c.name, environment: c.environment, policies: [...new Set(breaches.map((b) => b.policy))], reasons: breaches.map((b) => `${b.field}: ${b.message}`) }]
      : [];
  });
}

export function policyView(p: Policy): Omit<CredentialPolicyView, "violations"> {
  return {
    max_credential_lifetime_days: p.maxCredentialLifetimeDays,
    allowed_scopes: p.allowedScopes,
    min_token_lifetime_seconds: p.minTokenLifetimeSeconds,
    max_token_lifetime_seconds: p.maxTokenLifetimeSeconds,
    developers_create_test_credentials: p.developersCreateTestCredentials,
  };
}

export async function updateCredentialPolicy(opts: { orgId: string; input: CredentialPolicyInput; ctx: AuditContext }) {
  const i = opts.input;
  const saved = await db.$transaction(async (tx) => {
    // One owner's change at a time: the row (or the org's row, before the first policy) is locked.
    await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${opts.orgId} FOR UPDATE`;
    const before = await getCredentialPolicy(opts.orgId, tx);
    // Fields left out keep their value.
    const data: Policy = {
      maxCredentialLifetimeDays: i.max_credential_lifetime_days !== undefined ? i.max_credential_lifetime_days : before.maxCredentialLifetimeDays,
      allowedScopes: i.allowed_scopes !== undefined ? [...new Set(i.allowed_scopes)] : before.allowedScopes,
      minTokenLifetimeSeconds: i.min_token_lifetime_seconds !== undefined ? i.min_token_lifetime_seconds : before.minTokenLifetimeSeconds,
      maxTokenLifetimeSeconds: i.max_token_lifetime_seconds !== undefined ? i.max_token_lifetime_seconds : before.maxTokenLifetimeSeconds,
      developersCreateTestCredentials: i.developers_create_test_credentials ?? before.developersCreateTestCredentials,
    };
    if (data.minTokenLifetimeSeconds !== null && data.maxTokenLifetimeSeconds !== null && data.minTokenLifetimeSeconds > data.maxTokenLifetimeSeconds) {
      throw new AppError("validation_failed", "min_token_lifetime_seconds is above max_token_lifetime_seconds", {
        errors: [{ field: "min_token_lifetime_seconds", message: "must not be above max_token_lifetime_seconds" }],
      });
    }
    const p = await tx.credentialPolicy.upsert({ where: { orgId: opts.orgId }, create: { orgId: opts.orgId, ...data }, update: data });
    await recordAuditEvent(tx, {
      orgId: opts.orgId,
      ctx: opts.ctx,
      action: "organization.credential_policy_changed",
      target: { type: "organization", id: opts.orgId, label: "credential policy" },
      before: policyView(before),
      after: policyView(p),
    });
    return p;
  });
  return { ...policyView(saved), violations: await policyViolations(opts.orgId, saved) };
}
