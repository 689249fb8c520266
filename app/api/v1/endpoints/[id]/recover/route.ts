import { json, withApi } from "@/lib/api/with-api";
import { recoveryJobView, startRecovery } from "@/lib/deliveries/recover-deliveries";
import { recoverEndpointSchema } from "@/lib/validations/webhooks";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { sendRecoveryRequested } from "@/inngest/functions/recover-deliveries";
import { briefError, log } from "@/lib/observability/log";

// POST /api/v1/endpoints/{id}/recover: re-send the endpoint's failed deliveries created in [since, until) (dry_run: only count them)
export const POST = withApi<{ id: string }>({ scopes: ["deliveries:write"] }, async (ctx) => {
  const input = ctx.body(recoverEndpointSchema);
  const { count, job } = await startRecovery({
    orgId: ctx.orgId,
    environment: ctx.environment,
    endpointId: ctx.params.id,
    since: new Date(input.since),
    until: input.until ? new Date(input.until) : undefined,
    dryRun: input.dry_run,
    ctx: ctx.actor,
  });
  if (job && job.status !== "completed") {
    // The job is stored: if this send is lost, resume-recoveries starts it within minutes.
    await sendRecoveryRequested(job.id).catch((err) => log.warn({ job: job.id, error: briefError(err) }, "starting a recovery job failed; it will be resumed"));
  }
  return json({ count, dry_run: input.dry_run, job: job && recoveryJobView(job) }, { status: 202 });
});

// Other methods: 405 with Allow; OPTIONS lists only the real ones
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
