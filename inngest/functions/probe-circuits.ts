// Every minute: the circuit breaker's clock (lib/webhooks/endpoint-circuit.ts). Closes circuits a
// success ended, disables endpoints failing for too long, and sends the probes that are due;
// then deletes health buckets past the longest window.
import { inngest } from "@/inngest/client";
import { runCircuitProbes } from "@/lib/webhooks/endpoint-circuit";
import { pruneHealthBuckets } from "@/lib/webhooks/endpoint-health";

export const probeCircuits = inngest.createFunction(
  { id: "probe-circuits", retries: 2, triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const r = await step.run("probe", () => runCircuitProbes());
    const pruned = await step.run("prune-health", () => pruneHealthBuckets());
    return { recovered: r.recovered, disabled: r.disabled, probes: r.probes.length, pruned };
  },
);
