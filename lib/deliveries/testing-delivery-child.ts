// Runs what `npm start` runs for deliveries, as its own process, for delivery-crash.test.ts
// (which kills it with SIGKILL): the file-backed PGlite in GATEHOUSE_DATA_DIR, the app's Inngest
// functions served on loopback, the embedded executor and the delivery dispatcher.
//
// With GATEHOUSE_TEST_RECEIVER_URL and GATEHOUSE_TEST_EVENTS set (the first start), it creates an
// organization and one endpoint at that URL and ingests that many events.
// Talks on stdout in lines starting with "@@ " (JSON), so other output cannot confuse the parent:
// `{"ready":true,"queued":[…]}` once running, and on each "status" line read from stdin, the
// deliveries with their attempts.
import { createInterface } from "node:readline";
import { inngest } from "@/inngest/client";
import { registerDeliveryDispatcher } from "@/inngest/dispatch";
import { startEngine } from "@/inngest/start-engine";
import { serveFunctions, silentLogger } from "@/inngest/engine/testing";
import { functions } from "@/inngest/index";
import { db, ensureDatabase } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest-event";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";

const say = (msg: unknown) => process.stdout.write(`@@ ${JSON.stringify(msg)}\n`);

await ensureDatabase();
const served = await serveFunctions(inngest, functions);
registerDeliveryDispatcher();
const engine = await startEngine({ serveUrl: served.url, logger: silentLogger });
await engine.ready;

const queued: string[] = [];
const receiverUrl = process.env.GATEHOUSE_TEST_RECEIVER_URL;
const events = Number(process.env.GATEHOUSE_TEST_EVENTS ?? 0);
if (receiverUrl && events > 0) {
  const org = await db.organization.create({ data: { name: "Delivery crash" } });
  const ctx = { actor: { type: "system" as const, id: null, label: "delivery-crash test" } };
  const { endpoint } = await createEndpoint({
    orgId: org.id, environment: "test", name: "receiver", url: `${receiverUrl}/hooks`, eventTypes: [], fields: ENDPOINTS_FIELDS, ctx,
  });
  for (let i = 0; i < events; i++) {
    const r = await ingestEvent({ orgId: org.id, environment: "test", type: "run.completed", data: { i }, onlyEndpointId: endpoint.id });
    queued.push(...r.pendingDeliveryIds);
  }
}
say({ ready: true, queued });

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "status") continue;
  const deliveries = await db.delivery.findMany({ orderBy: { createdAt: "asc" }, include: { attemptRows: { orderBy: { number: "asc" } } } });
  say({
    deliveries: deliveries.map((d) => ({
      id: d.id,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      attemptLog: d.attemptRows.map((a) => ({ number: a.number, responseStatus: a.responseStatus, error: a.error })),
    })),
  });
}
