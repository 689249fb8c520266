// Issuance quotas (optional, per credential): at most N access tokens per UTC hour and per UTC
// day, Auth0's M2M quota. Counted in PostgreSQL (CredentialIssuance), so every process agrees:
// concurrent exchanges of one credential are grouped and take what is left in the statement that
// stores their tokens (store-tokens.ts: INSERT … ON CONFLICT DO UPDATE locks the counter row),
// which grants at most the remainder, so N parallel exchanges against a quota of Q give exactly
// min(N, Q) tokens. This file: the refusal, its wording, and the counts for the credential page.
import { sql } from "@/lib/db/sql";

const NO_LIMIT = 2_147_483_647;

export type QuotaAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; which: "hour" | "day"; limit: number };

type Row = { dayCount: number; hourReset: number; dayReset: number };

/** The answer to the asks a statement did not grant. The day's limit binds when it is full (it lasts longer); else the hour's. */
export function refusal(r: Pick<Row, "dayCount" | "hourReset" | "dayReset">, perHour: number | null, perDay: number | null): Extract<QuotaAnswer, { ok: false }> {
  const day = perDay ?? NO_LIMIT;
  return Number(r.dayCount) >= day
    ? { ok: false, which: "day", limit: day, retryAfterSeconds: Math.max(1, Math.ceil(Number(r.dayReset))) }
    : { ok: false, which: "hour", limit: perHour ?? NO_LIMIT, retryAfterSeconds: Math.max(1, Math.ceil(Number(r.hourReset))) };
}

/** Tokens issued in the current UTC hour and day (for the credential page). */
export async function issuanceCounts(credentialId: string): Promise<{ hour: number; day: number }> {
  const [r] = await sql<{ hour: number; day: number }>(
    `SELECT CASE WHEN "hourStart" = date_trunc('hour', now() AT TIME ZONE 'UTC') THEN "hourCount" ELSE 0 END AS "hour",
            CASE WHEN "dayStart" = date_trunc('day', now() AT TIME ZONE 'UTC') THEN "dayCount" ELSE 0 END AS "day"
       FROM "CredentialIssuance" WHERE "credentialId" = $1`,
    [credentialId],
  );
  return { hour: Number(r?.hour ?? 0), day: Number(r?.day ?? 0) };
}

/** The error description of a refusal (the token endpoint answers it as 429 rate_limited with Retry-After). */
export function quotaExceeded(q: Extract<QuotaAnswer, { ok: false }>): string {
  return `This credential's quota of ${q.limit} tokens per ${q.which} is used up. Retry after ${q.retryAfterSeconds} seconds. Cache each token and reuse it until it expires instead of requesting a new one per call.`;
}
