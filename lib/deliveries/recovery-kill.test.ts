// A recovery job's driver killed with SIGKILL mid-job, as a real process on real PostgreSQL
// (lib/deliveries/testing-recovery-child.ts): once its lease has lapsed the job is found and
// finished by another driver, and every delivery of the window is re-armed exactly once, none
// lost, none twice. PostgreSQL only (two processes on one database); skipped on PGlite.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { findAbandonedRecoveries, RECOVERY_BATCH, RECOVERY_LEASE_MS, runRecoveryBatch, startRecovery } from "@/lib/deliveries/recover-deliveries";
import { createEndpoint } from "@/lib/webhooks/create-endpoint";
import { ENDPOINTS_FIELDS } from "@/lib/webhooks/endpoint-input";
import { newDeliveryId, newEventId } from "@/lib/webhooks/ids";

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;
const ctx = { actor: { type: "system" as const, id: null, label: "test" }, ip: "127.0.0.1", userAgent: "vitest" };
const TOTAL = 30 * RECOVERY_BATCH + 7;

describe.skipIf(!onPostgres)("a recovery driver killed with SIGKILL", () => {
  it("neither loses nor repeats a delivery: another driver finishes the job after the lease lapses", async () => {
    const orgId = (await db.organization.create({ data: { name: "Kill" } })).id;
    const { endpoint } = await createEndpoint({ orgId, environment: "test", name: "e", url: "http://127.0.0.1:9/x", eventTypes: [], fields: ENDPOINTS_FIELDS, ctx });
    const start = Date.now() - 3600_000;
    const events = Array.from({ length: TOTAL }, (_, i) => ({ id: newEventId(), orgId, environment: "test" as const, type: "job.done", payload: { i }, createdAt: new Date(start + i) }));
    await db.event.createMany({ data: events });
    const ids = events.map(() => newDeliveryId());
    await db.delivery.createMany({
      data: events.map((e, i) => ({ id: ids[i]!, orgId, environment: "test" as const, eventId: e.id, endpointId: endpoint.id, status: "failed" as const, createdAt: e.createdAt })),
    });
    const { job } = await startRecovery({ orgId, environment: "test", endpointId: endpoint.id, since: new Date(start - 1000), dryRun: false, ctx });

    const child = spawn(process.execPath, ["--import", "tsx", path.join("lib", "deliveries", "testing-recovery-child.ts")], {
      env: { ...process.env, GATEHOUSE_TEST_JOB_ID: job!.id },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ? -1 : code)));
    // Kill it once it has done some batches but not all, at whatever point it is in the next one.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no batch from the child in 60 s: ${stderr}`)), 60_000);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (!line.startsWith("@@ ")) return;
        const msg = JSON.parse(line.slice(3)) as { batch: number; done: boolean };
        if (msg.done) reject(new Error("the child finished before it could be killed"));
        if (msg.batch >= 2) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    expect(await exited).toBe(-1);

    const mid = await db.recoveryJob.findUniqueOrThrow({ where: { id: job!.id } });
    expect(mid.status).toBe("running");
    expect(mid.processed).toBeGreaterThanOrEqual(3 * RECOVERY_BATCH);
    expect(mid.processed).toBeLessThan(TOTAL);
    // What the killed driver re-armed is exactly what its cursor covers (no half batch).
    const rearmed = await db.delivery.findMany({ where: { id: { in: ids }, status: "pending" }, select: { id: true } });
    expect(rearmed.length).toBe(mid.processed);
    expect(mid.recovered).toBe(mid.processed);
    // They are attempted and fail again meanwhile: a driver that started over would re-arm them.
    await db.delivery.updateMany({ where: { id: { in: rearmed.map((d) => d.id) } }, data: { status: "failed" } });

    const later = new Date(mid.leaseUntil!.getTime() + 1000);
    expect((await findAbandonedRecoveries(new Date(mid.leaseUntil!.getTime() - 1000))).map((j) => j.id)).not.toContain(job!.id);
    expect((await findAbandonedRecoveries(later)).map((j) => j.id)).toContain(job!.id);
    for (let n = 0; n < 100; n++) {
      const r = await runRecoveryBatch({ jobId: job!.id, owner: "survivor", now: later });
      if (r.done) break;
    }
    const final = await db.recoveryJob.findUniqueOrThrow({ where: { id: job!.id } });
    expect(final).toMatchObject({ status: "completed", processed: TOTAL, recovered: TOTAL });
    expect(await db.delivery.count({ where: { id: { in: rearmed.map((d) => d.id) }, status: "failed" } })).toBe(rearmed.length);
    expect(await db.delivery.count({ where: { id: { in: ids }, status: "pending" } })).toBe(TOTAL - rearmed.length);
    expect(RECOVERY_LEASE_MS).toBeGreaterThan(0);
  }, 120_000);
});
