// Issuance quotas (optional, per credential): at most N access tokens per UTC hour and per UTC
// day, Auth0's M2M quota. Counted in PostgreSQL, so every process agrees: concurrent exchanges
// of one credential are grouped and take what is left in one statement (INSERT … ON CONFLICT DO
// UPDATE locks the row), which grants at most the remainder, so N parallel exchanges against a
// quota of Q give exactly min(N, Q) tokens. Credentials without a quota never reach this file.
import { processLoader, sql } from "@/lib/db/sql";
import type { OAuthClient } from "@/lib/credentials/oauth-types";

const NO_LIMIT = 2_147_483_647;

export type QuotaAsk = { credentialId: string; perHour: number | null; perDay: number | null };
export type QuotaAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; which: "hour" | "day"; limit: number };

type Row = { granted: number; hourCount: number; dayCount: number; hourReset: number; dayReset: number };

async function take(credentialId: string, want: number, perHour: number, perDay: number): Promise<Row> {
  // SET sees the row as it was, so the remainder is spelled out where it is needed.
  const left = `GREATEST(0, LEAST($2::int,
      $3::int - CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END,
      $4::int - CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END))`;
  const [r] = await sql<Row>(
    `WITH clock AS (SELECT (now() AT TIME ZONE 'UTC') AS now)
     INSERT INTO "CredentialIssuance" AS q ("credentialId", "hourStart", "hourCount", "dayStart", "dayCount", "granted")
     SELECT $1, date_trunc('hour', clock.now), LEAST($2::int, $3::int, $4::int), date_trunc('day', clock.now), LEAST($2::int, $3::int, $4::int), LEAST($2::int, $3::int, $4::int)
       FROM clock
     ON CONFLICT ("credentialId") DO UPDATE SET
       "granted" = ${left},
       "hourCount" = CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END + ${left},
       "dayCount" = CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END + ${left},
       "hourStart" = EXCLUDED."hourStart",
       "dayStart" = EXCLUDED."dayStart"
     RETURNING "granted", "hourCount", "dayCount",
       EXTRACT(EPOCH FROM ("hourStart" + interval '1 hour' - (now() AT TIME ZONE 'UTC')))::float8 AS "hourReset",
       EXTRACT(EPOCH FROM ("dayStart" + interval '1 day' - (now() AT TIME ZONE 'UTC')))::float8 AS "dayReset"`,
    [credentialId, want, perHour, perDay],
  );
  return r!;
}

// Concurrent exchanges share a statement per credential (each ask is its own key, so none is merged away).
const consume = processLoader<QuotaAsk, QuotaAnswer>("issuance-quota.consume", async (asks) => {
  const groups = new Map<string, QuotaAsk[]>();
  for (const a of asks) groups.set(a.credentialId, [...(groups.get(a.credentialId) ?? []), a]);
  const out = new Map<QuotaAsk, QuotaAnswer>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const perHour = group[0]!.perHour ?? NO_LIMIT;
      const perDay = group[0]!.perDay ?? NO_LIMIT;
      const r = await take(group[0]!.credentialId, group.length, perHour, perDay);
      const dayFull = r.dayCount >= perDay;
      // The day's limit binds when it is full (it lasts longer); else the hour's.
      const refusal: QuotaAnswer = dayFull
        ? { ok: false, which: "day", limit: perDay, retryAfterSeconds: Math.max(1, Math.ceil(Number(r.dayReset))) }
        : { ok: false, which: "hour", limit: perHour, retryAfterSeconds: Math.max(1, Math.ceil(Number(r.hourReset))) };
      group.forEach((a, i) => out.set(a, i < r.granted ? { ok: true } : refusal));
    }),
  );
  return out;
}, 500);

/** Takes one token from the credential's quota; answers ok when it has no quota. */
export async function takeIssuanceQuota(c: Pick<OAuthClient, "id" | "tokensPerHour" | "tokensPerDay">): Promise<QuotaAnswer> {
  if (c.tokensPerHour == null && c.tokensPerDay == null) return { ok: true };
  return (await consume({ credentialId: c.id, perHour: c.tokensPerHour, perDay: c.tokensPerDay }))!;
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
