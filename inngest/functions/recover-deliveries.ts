// Runs a bulk recovery job one batch per step. The run's id is the job's lease owner: a retried
// step (the process was killed mid-batch) renews its own lease and goes on from the job's cursor;
// a run that finds another run's live lease stops. Every minute, jobs whose lease ended without
// them finishing are handed to a new run (deterministic event ids: one take-over per lapse).
import { inngest } from "@/inngest/client";
import { recoveryRequested } from "@/inngest/events";
import { findAbandonedRecoveries, markRecoveryFailed, RECOVERY_BATCH, RECOVERY_MAX, runRecoveryBatch } from "@/lib/deliveries/recover-deliveries";

const MAX_BATCHES = Math.ceil(RECOVERY_MAX / RECOVERY_BATCH) + 2;

export const recoverDeliveries = inngest.createFunction(
  {
    id: "recover-deliveries",
    retries: 4,
    triggers: [recoveryRequested],
    concurrency: { limit: 1, key: "event.data.jobId" },
    // Retries ran out (the database kept failing): say so on the job rather than resume it forever.
    onFailure: async ({ event, error }) => {
      const original = (event.data as { event: { data: { jobId: string } } }).event;
      await markRecoveryFailed(original.data.jobId, error.message);
    },
  },
  async ({ event, step, runId }) => {
    for (let n = 0; n < MAX_BATCHES; n++) {
      const r = await step.run(`batch-${n}`, () => runRecoveryBatch({ jobId: event.data.jobId, owner: runId }));
      if (r.done || r.leasedElsewhere) return { batches: n + 1, ...r };
    }
    return { batches: MAX_BATCHES, done: false };
  },
);

/** Starts the run of a job just created. */
export async function sendRecoveryRequested(jobId: string): Promise<void> {
  await inngest.send(recoveryRequested.create({ jobId }, { id: `recovery-${jobId}` }));
}

export const resumeRecoveries = inngest.createFunction(
  { id: "resume-recoveries", retries: 2, triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const jobs = await step.run("find", () => findAbandonedRecoveries());
    if (jobs.length) {
      await step.run("send", () =>
        inngest.send(jobs.map((j) => recoveryRequested.create({ jobId: j.id }, { id: `recovery-${j.id}-${j.generation}` }))),
      );
    }
    return { resumed: jobs.length };
  },
);
