// Fan-out with payload filters and channels: events ingested (lib/events/ingest-event.ts, the
// function behind POST /api/v1/events, called directly so HTTP is not what is measured) into an
// org with 100 endpoints, each event fanned out in the same statement, for four orgs measured
// one after the other in the same run: no filters (the baseline), a filter on every endpoint that
// every event passes (the same deliveries: the cost of filtering alone), a filter that ~30% of
// events pass, and channels that ~30% of events carry. No dispatcher: nothing is sent.
// Also the filter evaluator on its own (evaluations per second). Run: npm run bench:filters
import { envInt, openDatabase, percentile, prepareDatabase, printTable, run, type Row } from "./harness";

run(async () => {
  const database = await prepareDatabase("filters");
  const endpointCount = envInt("BENCH_ENDPOINTS", 100);
  const seconds = envInt("BENCH_SECONDS", 5);
  const concurrency = envInt("BENCH_CONCURRENCY", 50);
  const maxEvents = envInt("BENCH_MAX_EVENTS", 20_000);
  try {
    await openDatabase(database);
    const { createBenchOrg } = await import("./fixtures");
    const { createEndpoint } = await import("@/lib/webhooks/create-endpoint");
    const { ENDPOINTS_FIELDS } = await import("@/lib/webhooks/endpoint-input");
    const { setDeliveryDispatcher } = await import("@/lib/events/dispatch");
    const { ingestEvent } = await import("@/lib/events/ingest-event");
    const { evaluateFilter, parseFilter } = await import("@/lib/webhooks/payload-filter");
    const { db } = await import("@/lib/db/client");
    setDeliveryDispatcher(undefined);
    const ctx = { actor: { type: "system" as const, id: null, label: "bench" } };

    type Scenario = { name: string; filter?: (i: number) => string; channels?: (i: number) => string[] };
    const scenarios: Scenario[] = [
      { name: `${endpointCount} endpoints, no filters` },
      // Every endpoint its own text (no sharing of compiled filters between endpoints).
      { name: `${endpointCount} endpoints, a filter each, every event passes`, filter: (i) => `data.amount >= 0 && data.currency in ["usd", "eur", "x${i}"]` },
      { name: `${endpointCount} endpoints, a filter each, ~30% pass`, filter: (i) => `data.bucket < 3 && exists(data.customer.id) && data.tag != "t${i}"` },
      { name: `${endpointCount} endpoints, channels, ~30% carry one`, channels: () => ["b0", "b1", "b2"] },
    ];

    const rows: Row[] = [];
    const orgs: { orgId: string; remove(): Promise<void> }[] = [];
    try {
      for (const s of scenarios) {
        const org = await createBenchOrg("filters");
        orgs.push(org);
        await db.eventType.create({ data: { orgId: org.orgId, environment: "test", name: "invoice.paid", description: "bench" } });
        for (let i = 0; i < endpointCount; i++) {
          await createEndpoint({
            orgId: org.orgId, environment: "test", name: `bench ${i}`, url: `http://127.0.0.1:9/never-${i}`, eventTypes: ["invoice.paid"],
            filter: s.filter?.(i) ?? null, channels: s.channels?.(i) ?? [], fields: ENDPOINTS_FIELDS, ctx,
          });
        }
      }
      let n = 0;
      const send = async (orgId: string) => {
        const i = n++;
        const bucket = i % 10;
        const t = performance.now();
        await ingestEvent({
          orgId, environment: "test", type: "invoice.paid", dispatch: false,
          data: { amount: 100 + (i % 50), currency: "usd", bucket, customer: { id: `cus_${i}` }, tag: "none", items: [{ sku: "a", qty: 1 }] },
          channels: [`b${bucket}`],
        });
        return performance.now() - t;
      };
      const measure = async (orgId: string, secs: number) => {
        const latencies: number[] = [];
        const started = performance.now();
        const until = started + secs * 1000;
        let done = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (performance.now() < until && done < maxEvents) {
              done++;
              latencies.push(await send(orgId));
            }
          }),
        );
        return { latencies, elapsed: (performance.now() - started) / 1000 };
      };
      // An unmeasured second on each first (the JIT, the database's caches, each org's filters
      // learnt), then the measured rows, and the baseline once more at the end to show the drift.
      for (const org of orgs) await measure(org.orgId, 1);
      const order = [...scenarios.keys(), 0];
      for (const [k, idx] of order.entries()) {
        const org = orgs[idx]!;
        const before = await db.delivery.count({ where: { orgId: org.orgId } });
        const { latencies, elapsed } = await measure(org.orgId, seconds);
        const deliveries = (await db.delivery.count({ where: { orgId: org.orgId } })) - before;
        latencies.sort((a, b) => a - b);
        rows.push({
          name: k === order.length - 1 ? `${scenarios[idx]!.name}, again (last)` : scenarios[idx]!.name,
          rps: latencies.length / elapsed,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          requests: latencies.length,
          note: `${(deliveries / latencies.length).toFixed(1)} deliveries per event, ${Math.round(deliveries / elapsed).toLocaleString("en-US")} deliveries/s`,
        });
      }
    } finally {
      if (database.sharedDatabase) for (const o of orgs) await o.remove();
    }

    printTable({
      title: `Fan-out: ingestEvent into ${endpointCount} endpoints, with and without payload filters and channels`,
      lines: [
        `database: ${database.label}`,
        `${concurrency} concurrent callers, ${seconds} s per row, rows measured one after the other in this run`,
        "each event and its deliveries committed in one statement (group commit); nothing dispatched",
        "filters are evaluated in JS on the filters the process last saw; channels in SQL",
        "fewer deliveries per event means fewer rows to write: compare the every-event-passes row for the cost of filtering itself",
      ],
      baseline: rows[0]!,
      rows: rows.slice(1),
      unit: "events/s",
    });

    // The evaluator alone: the heaviest of the filters above against one event.
    const node = parseFilter('data.amount >= 0 && data.currency in ["usd", "eur", "x1"] && exists(data.customer.id) && data.tag != "t1"');
    const doc = { type: "invoice.paid", data: { amount: 120, currency: "usd", customer: { id: "cus_1" }, tag: "none" }, channels: [] };
    const count = 2_000_000;
    const t = performance.now();
    let matched = 0;
    for (let i = 0; i < count; i++) if (evaluateFilter(node, doc)) matched++;
    const perSecond = count / ((performance.now() - t) / 1000);
    console.log(`  filter evaluator alone: ${Math.round(perSecond).toLocaleString("en-US")} evaluations/s (${matched === count ? "all matched" : "MISMATCH"}),`);
    console.log(`  i.e. ${(1e6 / perSecond).toFixed(2)} µs per (event, filtered endpoint) pair`);
  } finally {
    await database.cleanup();
  }
});
