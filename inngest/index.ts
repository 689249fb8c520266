// The functions served at app/api/inngest/route.ts. One function per file in
// inngest/functions/; append each here.
import type { InngestFunction } from "inngest";
import { deliverWebhook } from "@/inngest/functions/deliver-webhook";
import { endUnusedGracePeriodsFn } from "@/inngest/functions/end-unused-grace-periods";
import { pruneExpiredData } from "@/inngest/functions/prune-expired-data";
import { probeCircuits } from "@/inngest/functions/probe-circuits";
import { credentialExpiryReminders } from "@/inngest/functions/credential-expiry-reminders";
import { sendOperatorEventsFn } from "@/inngest/functions/send-operator-events";
import { pruneSecretUsesFn } from "@/inngest/functions/prune-secret-uses";
import { pruneIdempotencyKeysFn } from "@/inngest/functions/prune-idempotency-keys";
import { sweepDeliveries } from "@/inngest/functions/sweep-deliveries";
import { recoverDeliveries, resumeRecoveries } from "@/inngest/functions/recover-deliveries";

export const functions: InngestFunction.Any[] = [deliverWebhook, sweepDeliveries, pruneIdempotencyKeysFn, pruneExpiredData, endUnusedGracePeriodsFn, pruneSecretUsesFn, probeCircuits, credentialExpiryReminders, sendOperatorEventsFn, recoverDeliveries, resumeRecoveries];
