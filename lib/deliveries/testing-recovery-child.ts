// For recovery-kill.test.ts (which kills it with SIGKILL): drives one recovery job as its own
// process on the PostgreSQL database in DATABASE_URL, batch after batch as owner "child", saying
// `@@ {"batch":n}` after each. No dispatcher: re-armed deliveries stay pending.
import { runRecoveryBatch } from "@/lib/deliveries/recover-deliveries";

const jobId = process.env.GATEHOUSE_TEST_JOB_ID!;
for (let n = 0; n < 10_000; n++) {
  const r = await runRecoveryBatch({ jobId, owner: "child" });
  process.stdout.write(`@@ ${JSON.stringify({ batch: n, ...r })}\n`);
  if (r.done || r.leasedElsewhere) break;
}
process.exit(0);
