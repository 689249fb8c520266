// Every minute: the circuit breaker's clock (lib/webhooks/endpoint-circuit.ts). Closes circuits a
// success ended, disables endpoints failing for too long, and sends the probes that are due.
import { inngest } from "@/inngest/client";
import { runCircuitProbes } from "@/lib/webhooks/endpoint-circuit";

export const probeCircuits = inngest.createFunction(
  { id: "probe-circuits", retries: 2, triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const r = await step.run("probe", () => runCircuitProbes());
    return { recovered: r.recovered, disabled: r.disabled, probes: r.probes.length };
  },
);
