// A recovery job is neither lost nor repeated when its driver stops half-way: batches move the
// cursor in the same transaction as they re-arm, the lease keeps a second driver off while the
// first is alive, an expired lease is found and taken over, and two drivers racing after that
// re-arm every delivery exactly once. (No engine here: re-armed deliveries stay pending.)
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import {
  findAbandonedRecoveries,
  markRecoveryFailed,
  RECOVERY_BATCH,
  RECOVERY_LEASE_MS,
  runRecoveryBatch,
  startRecovery,
} from "@/lib/deliveries/recover-deliveries";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { newDeliveryId, newEventId } from "@/lib/webhooks/ids";

const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const TOTAL = 2 * RECOVERY_BATCH + 50;
let orgId: string;
let endpointId: string;
let ids: string[];

/** `n` failed deliveries to the endpoint, created a minute apart from an hour ago. */
async function failedDeliveries(n: number): Promise<string[]> {
  const start = Date.now() - 3600_000;
  const events = Array.from({ length: n }, (_, i) => ({ id: newEventId(), orgId, environment: "test" as const, type: "job.done", payload: { i }, createdAt: new Date(start + i * 1000) }));
  await db.event.createMany({ data: events });
  const deliveries = events.map((e, i) => ({
    id: newDeliveryId(), orgId, environment: "test" as const, eventId: e.id, endpointId, status: "failed" as const, attempts: 2, createdAt: new Date(start + i * 1000),
  }));
  await db.delivery.createMany({ data: deliveries });
  return deliveries.map((d) => d.id);
}

beforeAll(async () => {
  orgId = (await db.organization.create({ data: { name: "Lease" } })).id;
  const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "e", url: "http://127.0.0.1:9/x", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
  endpointId = endpoint.id;
  ids = await failedDeliveries(TOTAL);
});

describe("a recovery job's lease", () => {
  it("a driver killed after one batch: nothing is repeated and nothing lost when another takes over", async () => {
    const { job, count } = await startRecovery({ orgId, environment: "test", endpointId, since: new Date(Date.now() - 2 * 3600_000), dryRun: false, ctx });
    expect(count).toBe(TOTAL);
    const t0 = new Date();
    expect(await findAbandonedRecoveries(t0)).toEqual([]); // just created: its run has a lease period to start

    // Driver A does one batch, then dies. Its deliveries are attempted and fail again meanwhile.
    const a = await runRecoveryBatch({ jobId: job!.id, owner: "run-A", now: t0 });
    expect(a).toEqual({ done: false, recovered: RECOVERY_BATCH });
    const firstBatch = (await db.delivery.findMany({ where: { id: { in: ids }, status: "pending" }, select: { id: true } })).map((d) => d.id);
    expect(firstBatch.sort()).toEqual(ids.slice(0, RECOVERY_BATCH).sort());
    await db.delivery.updateMany({ where: { id: { in: firstBatch } }, data: { status: "failed" } });

    // While A's lease lasts, another driver stands back; the job is not abandoned.
    const b = await runRecoveryBatch({ jobId: job!.id, owner: "run-B", now: new Date(t0.getTime() + 1000) });
    expect(b).toMatchObject({ leasedElsewhere: true, recovered: 0 });
    expect(await findAbandonedRecoveries(new Date(t0.getTime() + RECOVERY_LEASE_MS - 1000))).toEqual([]);

    // A's lease runs out: the job is found, and two drivers race to finish it.
    const later = new Date(t0.getTime() + RECOVERY_LEASE_MS + 1000);
    const abandoned = await findAbandonedRecoveries(later);
    expect(abandoned.map((j) => j.id)).toEqual([job!.id]);
    const drive = async (owner: string) => {
      let recovered = 0;
      for (let n = 0; n < 10; n++) {
        const r = await runRecoveryBatch({ jobId: job!.id, owner, now: later });
        recovered += r.recovered;
        if (r.done || r.leasedElsewhere) break;
      }
      return recovered;
    };
    const [c, d] = await Promise.all([drive("run-C"), drive("run-D")]);
    expect(c + d).toBe(TOTAL - RECOVERY_BATCH);

    const final = await db.recoveryJob.findUniqueOrThrow({ where: { id: job!.id } });
    expect(final).toMatchObject({ status: "completed", processed: TOTAL, recovered: TOTAL, leaseOwner: null });
    // The first batch, failed again after A re-armed it, was not re-armed a second time; all
    // the others were, once.
    expect(await db.delivery.count({ where: { id: { in: firstBatch }, status: "failed" } })).toBe(RECOVERY_BATCH);
    expect(await db.delivery.count({ where: { id: { in: ids.slice(RECOVERY_BATCH) }, status: "pending" } })).toBe(TOTAL - RECOVERY_BATCH);
    expect(await findAbandonedRecoveries(new Date(later.getTime() + 10 * RECOVERY_LEASE_MS))).toEqual([]);
    // A finished job takes no more batches, whoever asks.
    expect(await runRecoveryBatch({ jobId: job!.id, owner: "run-A" })).toEqual({ done: true, recovered: 0 });
  });

  it("a job whose start was lost is found once a lease period has passed", async () => {
    await db.delivery.updateMany({ where: { id: { in: ids } }, data: { status: "failed" } });
    const { job } = await startRecovery({ orgId, environment: "test", endpointId, since: new Date(Date.now() - 2 * 3600_000), dryRun: false, ctx });
    const found = await findAbandonedRecoveries(new Date(Date.now() + RECOVERY_LEASE_MS + 1000));
    expect(found.map((j) => j.id)).toContain(job!.id);
    // A run that gave up marks it failed: it is not taken over again, and takes no more batches.
    await markRecoveryFailed(job!.id, "database unavailable");
    expect((await findAbandonedRecoveries(new Date(Date.now() + RECOVERY_LEASE_MS + 1000))).map((j) => j.id)).not.toContain(job!.id);
    expect(await db.recoveryJob.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ status: "failed", error: "database unavailable" });
    expect(await runRecoveryBatch({ jobId: job!.id, owner: "run-Z" })).toEqual({ done: true, recovered: 0 });
  });

  it("an empty window completes at once", async () => {
    const { job, count } = await startRecovery({ orgId, environment: "test", endpointId, since: new Date(Date.now() + 1000), until: new Date(Date.now() + 2000), dryRun: false, ctx });
    expect(count).toBe(0);
    expect(job!.status).toBe("completed");
  });
});
