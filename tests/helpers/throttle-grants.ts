// The start times the endpoint throttle grants (lib/deliveries/endpoint-throttle.ts), read from its
// own state rather than from when requests happen to arrive: a trigger in the test's database logs
// each lease the claim statement adds to an endpoint's EndpointThrottle row. A lease ends at its
// granted start + the endpoint's timeout + LEASE_MARGIN_MS, so the grant is that end minus both.
// What a receiver sees on a loaded machine also depends on when the sender's event loop runs;
// what the throttle guarantees is these grants, and that no send starts before its own.
import { db } from "@/lib/db/client";
import { LEASE_MARGIN_MS } from "@/lib/deliveries/endpoint-throttle";

/** Installs the trigger (once per database; call it before the sends to record). */
export async function recordThrottleGrants(): Promise<void> {
  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "TestThrottleGrant" ("seq" serial PRIMARY KEY, "endpointId" text NOT NULL, "token" text NOT NULL, "leaseEnd" bigint NOT NULL)`);
  await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_log_throttle_grants() RETURNS trigger AS $$
    BEGIN
      INSERT INTO "TestThrottleGrant" ("endpointId", "token", "leaseEnd")
        SELECT NEW."endpointId", l.key, (l.value #>> '{}')::bigint FROM jsonb_each(NEW."leases") l
        WHERE NOT (OLD."leases" ? l.key);
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_log_throttle_grants ON "EndpointThrottle"`);
  await db.$executeRawUnsafe(`CREATE TRIGGER test_log_throttle_grants AFTER UPDATE ON "EndpointThrottle" FOR EACH ROW EXECUTE FUNCTION test_log_throttle_grants()`);
}

/** The starts granted to sends to this endpoint so far (epoch ms), earliest first. */
export async function throttleGrants(endpointId: string): Promise<number[]> {
  const { timeoutSeconds } = await db.endpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { timeoutSeconds: true } });
  const rows = await db.$queryRawUnsafe<{ leaseEnd: bigint }[]>(`SELECT "leaseEnd" FROM "TestThrottleGrant" WHERE "endpointId" = $1`, endpointId);
  return rows.map((r) => Number(r.leaseEnd) - timeoutSeconds * 1000 - LEASE_MARGIN_MS).sort((a, b) => a - b);
}

/**
 * Each send starts at or after its grant, so (whatever order they go in) the k-th request to
 * arrive came no sooner than the k-th grant. The requests that broke it, as "arrival < grant" (ms).
 * `slackMs` covers the millisecond the grant's timestamp is rounded to.
 */
export function arrivalsBeforeGrants(arrivals: number[], grants: number[], slackMs = 1): string[] {
  const sorted = [...arrivals].sort((a, b) => a - b);
  return sorted.flatMap((a, k) => (grants[k] === undefined ? [`request ${k + 1} at ${a} had no grant`] : a < grants[k]! - slackMs ? [`request ${k + 1}: ${a} < ${grants[k]}`] : []));
}
