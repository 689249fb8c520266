// A credential's issuance quota (issuance-quota.ts), taken in slices: a process reserves a slice in
// the shared counter (CredentialIssuance: INSERT … ON CONFLICT DO UPDATE locks the row and grants
// at most what is left of the hour's and the day's quota), then spends it in memory, and goes back
// for the next slice when it is used up. So a busy credential costs one statement per slice, not
// per exchange, and all processes together never issue more than the quota: every slice handed
// out is counted before a token of it is issued. Slices are 1% of the smaller limit (at least 1:
// quotas under 200 are taken exchange by exchange, exactly); the exchanges waiting for a slice
// share one statement that reserves what they need. What a process has reserved and not spent when
// the hour ends (or when it is killed) counts as issued: fewer tokens than the quota, never more.
import { prepared } from "@/lib/db/sql";
import { refusal, type QuotaAnswer } from "@/lib/credentials/issuance-quota";
import { runtime } from "@/lib/runtime/runtime";

const SLICE_FRACTION = 0.01;
const HOUR_MS = 3_600_000;
const MAX_LEASES = 10_000;

// The process's slices (lib/runtime/runtime.ts), one set for every module graph.
const leases = runtime().exchanges.quotaLeases;

type Reserved = { granted: number; dayCount: number; hourReset: number; dayReset: number };

// What is left of the quota, inside ON CONFLICT DO UPDATE (SET sees the row as it was): at most
// $2 asked, the hour's $3 and the day's $4 minus what their windows hold (0 in a new window).
const LEFT = `GREATEST(0, LEAST($2::int,
      $3::int - CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END,
      $4::int - CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END))`;

const reserve = prepared<Reserved>(
  "gatehouse_reserve_quota",
  `WITH clock AS (SELECT (now() AT TIME ZONE 'UTC') AS now)
   INSERT INTO "CredentialIssuance" AS q ("credentialId", "hourStart", "hourCount", "dayStart", "dayCount", "granted")
   SELECT $1::text, date_trunc('hour', clock.now), LEAST($2::int, $3::int, $4::int), date_trunc('day', clock.now), LEAST($2::int, $3::int, $4::int), LEAST($2::int, $3::int, $4::int)
     FROM clock
   ON CONFLICT ("credentialId") DO UPDATE SET
     "granted" = ${LEFT},
     "hourCount" = CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END + ${LEFT},
     "dayCount" = CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END + ${LEFT},
     "hourStart" = EXCLUDED."hourStart",
     "dayStart" = EXCLUDED."dayStart"
   RETURNING "granted", "dayCount",
     EXTRACT(EPOCH FROM ("hourStart" + interval '1 hour' - (now() AT TIME ZONE 'UTC')))::float8 AS "hourReset",
     EXTRACT(EPOCH FROM ("dayStart" + interval '1 day' - (now() AT TIME ZONE 'UTC')))::float8 AS "dayReset"`,
);

const NO_LIMIT = 2_147_483_647;

/**
 * Takes one token from the credential's quota (per UTC hour and day; both null: no quota, always
 * ok). Answers ok, or the refusal (which limit, Retry-After).
 */
export async function takeQuota(c: { id: string; tokensPerHour: number | null; tokensPerDay: number | null }, now = Date.now()): Promise<QuotaAnswer> {
  if (c.tokensPerHour === null && c.tokensPerDay === null) return { ok: true };
  const perHour = c.tokensPerHour ?? NO_LIMIT;
  const perDay = c.tokensPerDay ?? NO_LIMIT;
  const slice = Math.max(1, Math.floor(Math.min(perHour, perDay) * SLICE_FRACTION));
  const hour = Math.floor(now / HOUR_MS);
  // A changed quota is a new key: its first exchange asks the database again.
  const key = `${c.id}|${perHour}|${perDay}`;
  for (let round = 0; round < 1_000; round++) {
    let l = leases.get(key);
    if (!l || l.hour !== hour) {
      if (leases.size >= MAX_LEASES) for (const [k, v] of leases) if (v.hour < hour && !v.pending) leases.delete(k);
      l = { hour, left: 0, demand: 0 };
      leases.set(key, l);
    }
    if (l.left >= 1) {
      l.left -= 1;
      return { ok: true };
    }
    if (l.refused) {
      if (l.refused.until > now) return { ok: false, which: l.refused.which, limit: l.refused.limit, retryAfterSeconds: Math.max(1, Math.ceil((l.refused.until - now) / 1000)) };
      l.refused = undefined;
    }
    l.demand += 1;
    try {
      if (!l.pending) {
        const lease = l;
        const want = Math.max(slice, lease.demand - lease.left);
        lease.pending = (async () => {
          const [r] = await reserve([c.id, want, perHour, perDay]);
          const granted = Number(r?.granted ?? 0);
          lease.left += granted;
          if (granted < want && r) {
            const no = refusal({ dayCount: Number(r.dayCount), hourReset: Number(r.hourReset), dayReset: Number(r.dayReset) }, c.tokensPerHour, c.tokensPerDay);
            // Until the window that refused ends: then the next exchange asks again.
            if (lease.left < 1) lease.refused = { until: Date.now() + no.retryAfterSeconds * 1000, which: no.which, limit: no.limit };
          }
        })().finally(() => {
          lease.pending = undefined;
        });
      }
      await l.pending;
    } finally {
      l.demand -= 1;
    }
    // A slice that came back short was spent by those ahead; the loop answers from `refused`.
  }
  return { ok: false, which: "hour", limit: perHour, retryAfterSeconds: 1 };
}

/** Forgets this process's slices (tests, and a quota an admin changed: its key changes anyway). */
export function forgetQuotaLeases(): void {
  leases.clear();
}
