// A burst's backlog must not make every send scan it. The statistics of a table that grows fast
// (a new install, a burst of events) say what the table held at its last ANALYZE: here, that
// pending deliveries are rare. Planned from them, the claim and the attempt record once found their
// rows through the pending backlog (the status index) or a scan of the whole table: 14–28 ms a
// batch at 20,000–30,000 rows in bench:e2e, more as the backlog grew. This test sends a real batch
// against such statistics, and runs each claim and record statement the batch sends once more,
// with the same parameters, under EXPLAIN ANALYZE in a transaction rolled back, as a custom and as
// a generic plan: the rows each reads from Delivery are its own, not the backlog's.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { attemptDeliveries } from "@/lib/deliveries/attempt-delivery";
import { db } from "@/lib/db/client";
import { sql } from "@/lib/db/sql";
import { ingestEvent } from "@/lib/events/ingest-event";
import { runtime } from "@/lib/runtime/runtime";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const ctx = { actor: { type: "system" as const, id: null, label: "test" } };
const BACKLOG = 20_000;
let received = 0;
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    received++;
    res.writeHead(200).end("ok");
  });
});
type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
};
/** The plans of the statements that claim sends and record attempts, as the batch sent them. */
const plans: { statement: string; plan: PlanNode }[] = [];
let explaining = false;
let ids: string[] = [];

beforeAll(async () => {
  await sql("SELECT 1"); // opens (and migrates) the database, so the runner below exists
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const orgId = (await db.organization.create({ data: { name: "Backlog plans" } })).id;
  // Five endpoints share the backlog; the batch goes to the first.
  const endpoints: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: `busy ${i}`, url, eventTypes: ["run.completed"], fields: ENDPOINTS_FIELDS, ctx });
    endpoints.push(endpoint.id);
  }
  const { event } = await ingestEvent({ orgId, environment: "test", type: "run.completed", data: { n: 1 } });
  await sql(`UPDATE "Delivery" SET "status" = 'succeeded'`);
  // Statistics from a table of delivered rows (as after a quiet spell), then a backlog they do not know of.
  await sql(`ALTER TABLE "Delivery" SET (autovacuum_enabled = false)`); // this file's own database
  const rows = (status: string, n: number, prefix: string) =>
    sql(
      `INSERT INTO "Delivery" ("id", "orgId", "environment", "eventId", "endpointId", "status", "createdAt", "updatedAt")
       SELECT $5 || i, $1, 'test', $2, ($3::text[])[1 + i % 5], $4::"DeliveryStatus", now(), now() FROM generate_series(1, $6::int) i`,
      [orgId, event.id, endpoints, status, prefix, n],
    );
  await rows("succeeded", 2_000, "msg_old_");
  await sql(`ANALYZE "Delivery"`);
  await rows("pending", BACKLOG, "msg_backlog_");
  ids = Array.from({ length: 40 }, (_, i) => `msg_backlog_${i * 95 + 5}`); // i % 5 = 0: the first endpoint's
  // Each claim and record statement is EXPLAINed with its own parameters, then runs as sent.
  const raw = runtime().db.raw!;
  const query = raw.query.bind(raw);
  raw.query = (async (text: string, params?: unknown[], name?: string) => {
    const statement = text.includes(`"EndpointThrottle"`) && text.includes("FOR UPDATE") ? "claim" : text.includes(`INSERT INTO "DeliveryAttempt"`) ? "record" : null;
    if (statement && !explaining) {
      explaining = true;
      try {
        for (const mode of ["custom", "generic"] as const) plans.push({ statement: `${statement} (${mode} plan)`, plan: await explain(text, params ?? [], mode) });
      } finally {
        explaining = false;
      }
    }
    return query(text, params, name);
  }) as typeof raw.query;
}, 180_000); // a fresh database's migrations take long on a busy machine

/**
 * What `text` does with these parameters, run for real in a transaction that is rolled back
 * (EXPLAIN ANALYZE): as a custom plan (what an unnamed statement gets), or as the generic plan a
 * prepared statement settles on (force_generic_plan), on one session of its own.
 */
async function explain(text: string, params: unknown[], mode: "custom" | "generic"): Promise<PlanNode> {
  type Session = { query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
  // EXECUTE takes no bound parameters: the values go in as literals.
  const literal = (v: unknown): string =>
    v === null || v === undefined
      ? "NULL"
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : Array.isArray(v)
          ? `ARRAY[${v.map(literal).join(", ")}]::text[]`
          : `'${String(v).replaceAll("'", "''")}'`;
  const plan = async (session: Session): Promise<PlanNode> => {
    let out: unknown;
    if (mode === "custom") out = (await session.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params)).rows[0]!["QUERY PLAN"];
    else {
      await session.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await session.query(`PREPARE gatehouse_probe AS ${text}`);
      out = (await session.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE gatehouse_probe(${params.map(literal).join(", ")})`)).rows[0]!["QUERY PLAN"];
      await session.query(`DEALLOCATE gatehouse_probe`);
    }
    return (typeof out === "string" ? JSON.parse(out) : (out as { Plan: PlanNode }[]))[0]!.Plan;
  };
  const driver = await runtime().db.driver!;
  if (driver.kind === "pglite") {
    // PGlite has one session: its transaction() keeps the app's own queries out until it ends
    // (they would otherwise run inside this one and be rolled back with it).
    return driver.pglite.transaction(async (tx) => {
      const p = await plan(tx);
      await tx.rollback();
      return p;
    });
  }
  const client = await driver.pool.connect();
  try {
    await client.query("BEGIN");
    try {
      return await plan(client);
    } finally {
      await client.query("ROLLBACK");
    }
  } finally {
    client.release();
  }
}

afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

/** Rows each node that reads Delivery went through (kept and filtered out), over all its loops. */
function deliveryRowsRead(node: PlanNode): number {
  const own = node["Relation Name"] === "Delivery" && /Scan/.test(node["Node Type"]) ? ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0)) * (node["Actual Loops"] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((n, p) => n + deliveryRowsRead(p), 0);
}

it("sends a batch from a backlog the statistics do not know of, finding each delivery by its key", async () => {
  const outcomes = await attemptDeliveries({ deliveryIds: ids, attempt: 0 });
  for (const statement of ["claim", "record"]) for (const mode of ["custom", "generic"]) expect(plans.map((p) => p.statement)).toContain(`${statement} (${mode} plan)`);
  // Each statement reads its own deliveries (a claim may also read them again to update them),
  // not the 20,000 of the backlog.
  expect(plans.map((p) => ({ statement: p.statement, rows: deliveryRowsRead(p.plan) }))).toEqual(
    plans.map((p) => ({ statement: p.statement, rows: expect.toSatisfy((n: number) => n <= 3 * ids.length) })),
  );
  expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => "succeeded"));
  expect(received).toBe(ids.length);
  // The backlog is still there, untouched.
  const [left] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Delivery" WHERE "status" = 'pending' AND "id" LIKE 'msg_backlog_%'`);
  expect(left!.n).toBe(BACKLOG - ids.length);
}, 120_000);
