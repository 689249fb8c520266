// The token endpoint's one write: concurrent exchanges are grouped (group commit) and each group
// is ONE statement and one commit that, for the exchanges of credentials with an issuance quota,
// takes what is left of it (issuance-quota.ts: INSERT … ON CONFLICT DO UPDATE locks the counter
// row and grants at most the remainder), stores the access tokens granted, and adds those
// exchanges to the secret-use record (secret-usage.ts: per credential, secret or key, address
// and ten-minute bucket). Quotas and the record thus cost no statement, round trip or commit of
// their own (bench/token-endpoint.ts measures the endpoint with them on beside off).
// Rows are locked in one order (counters, then use buckets, each sorted), the same in every
// process, so concurrent groups wait for each other rather than deadlock.
import { prepared, processLoader } from "@/lib/db/sql";
import { BUCKET_MS } from "@/lib/credentials/secret-usage";
import { refusal, type QuotaAnswer } from "@/lib/credentials/issuance-quota";

export type TokenWrite = {
  id: string;
  credentialId: string;
  tokenHash: string;
  scopes: string[];
  expiresAt: Date;
  createdAt: Date;
  /** The credential's issuance quota; both null: none (the token is always stored). */
  perHour: number | null;
  perDay: number | null;
  /** What authenticated the exchange (use-tags.ts) and from where; null: not recorded. */
  use: { tag: string; ip: string | null } | null;
};

type Result = { quotas: { credentialId: string; granted: number; dayCount: number; hourReset: number; dayReset: number }[] | null; issued: string[] | null };

// Per-credential values of `want` inside ON CONFLICT DO UPDATE (SET sees the row as it was).
const W = (col: string) => `(SELECT w.${col} FROM want w WHERE w."credentialId" = q."credentialId")`;
const LEFT = `GREATEST(0, LEAST(${W("n")},
      ${W("ph")} - CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END,
      ${W("pd")} - CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END))`;

const write = prepared<Result>(
  "gatehouse_store_tokens",
  `WITH t AS (
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::timestamp[], $7::int[], $8::int[], $9::text[], $10::text[], $11::timestamp[])
       WITH ORDINALITY AS t("id", "credentialId", "tokenHash", "scopes", "expiresAt", "createdAt", "perHour", "perDay", "useTag", "useIp", "useBucket", "ord")
   ),
   ranked AS (
     SELECT t.*, ("perHour" IS NOT NULL OR "perDay" IS NOT NULL) AS "quota",
            row_number() OVER (PARTITION BY "credentialId", ("perHour" IS NOT NULL OR "perDay" IS NOT NULL) ORDER BY "ord") AS "rank"
       FROM t
   ),
   want AS (
     SELECT "credentialId", COUNT(*)::int AS n, MIN(COALESCE("perHour", 2147483647)) AS ph, MIN(COALESCE("perDay", 2147483647)) AS pd
       FROM ranked WHERE "quota" GROUP BY 1
   ),
   clock AS (SELECT (now() AT TIME ZONE 'UTC') AS now),
   q AS (
     INSERT INTO "CredentialIssuance" AS q ("credentialId", "hourStart", "hourCount", "dayStart", "dayCount", "granted")
     SELECT w."credentialId", date_trunc('hour', clock.now), LEAST(w.n, w.ph, w.pd), date_trunc('day', clock.now), LEAST(w.n, w.ph, w.pd), LEAST(w.n, w.ph, w.pd)
       FROM want w, clock ORDER BY w."credentialId"
     ON CONFLICT ("credentialId") DO UPDATE SET
       "granted" = ${LEFT},
       "hourCount" = CASE WHEN q."hourStart" = EXCLUDED."hourStart" THEN q."hourCount" ELSE 0 END + ${LEFT},
       "dayCount" = CASE WHEN q."dayStart" = EXCLUDED."dayStart" THEN q."dayCount" ELSE 0 END + ${LEFT},
       "hourStart" = EXCLUDED."hourStart",
       "dayStart" = EXCLUDED."dayStart"
     RETURNING "credentialId", "granted", "dayCount",
       EXTRACT(EPOCH FROM ("hourStart" + interval '1 hour' - (now() AT TIME ZONE 'UTC')))::float8 AS "hourReset",
       EXTRACT(EPOCH FROM ("dayStart" + interval '1 day' - (now() AT TIME ZONE 'UTC')))::float8 AS "dayReset"
   ),
   ins AS (
     INSERT INTO "AccessToken" ("id", "credentialId", "tokenHash", "scopes", "expiresAt", "createdAt")
     SELECT r."id", r."credentialId", r."tokenHash", string_to_array(r."scopes", ' '), r."expiresAt", r."createdAt"
       FROM ranked r LEFT JOIN q ON q."credentialId" = r."credentialId"
      WHERE NOT r."quota" OR r."rank" <= q."granted"
     RETURNING "id"
   ),
   uses AS (
     INSERT INTO "CredentialSecretUse" AS u ("credentialId", "secretTag", "ip", "bucket", "count", "lastUsedAt")
     SELECT r."credentialId", r."useTag", r."useIp", r."useBucket", COUNT(*)::int, MAX(r."createdAt")
       FROM ranked r JOIN ins ON ins."id" = r."id"
      WHERE r."useTag" IS NOT NULL
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4, 3
     ON CONFLICT ("credentialId", "secretTag", "bucket", "ip") DO UPDATE SET
       "count" = u."count" + EXCLUDED."count",
       "lastUsedAt" = GREATEST(u."lastUsedAt", EXCLUDED."lastUsedAt")
     RETURNING 1
   )
   SELECT (SELECT json_agg(q) FROM q) AS "quotas", (SELECT array_agg("id") FROM ins) AS "issued", (SELECT COUNT(*) FROM uses) AS "recorded"`,
);

const store = processLoader<TokenWrite, QuotaAnswer>(
  "store-tokens.store",
  async (rows) => {
    const iso = (d: Date) => d.toISOString();
    const [r] = await write([
      rows.map((x) => x.id),
      rows.map((x) => x.credentialId),
      rows.map((x) => x.tokenHash),
      rows.map((x) => x.scopes.join(" ")),
      rows.map((x) => iso(x.expiresAt)),
      rows.map((x) => iso(x.createdAt)),
      rows.map((x) => x.perHour),
      rows.map((x) => x.perDay),
      rows.map((x) => x.use?.tag ?? null),
      rows.map((x) => (x.use ? (x.use.ip ?? "unknown") : null)),
      rows.map((x) => iso(new Date(x.createdAt.getTime() - (x.createdAt.getTime() % BUCKET_MS)))),
    ]);
    const issued = new Set(r?.issued ?? []);
    const quotas = new Map((r?.quotas ?? []).map((q) => [q.credentialId, q]));
    return new Map<TokenWrite, QuotaAnswer>(
      rows.map((x): [TokenWrite, QuotaAnswer] => {
        if (issued.has(x.id)) return [x, { ok: true }];
        const q = quotas.get(x.credentialId);
        if (!q) throw new Error("a token was neither stored nor refused by its quota");
        return [x, refusal({ dayCount: Number(q.dayCount), hourReset: Number(q.hourReset), dayReset: Number(q.dayReset) }, x.perHour, x.perDay)];
      }),
    );
  },
  500,
  1,
);

/**
 * Stores one access token (within its credential's quota, recording what authenticated it);
 * answers ok, or the quota's refusal (the token is then not stored). Waits for the commit.
 */
export async function storeToken(row: TokenWrite): Promise<QuotaAnswer> {
  return (await store(row))!;
}
