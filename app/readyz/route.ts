import { readinessResponse } from "@/lib/observability/health";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { probeExecutor } from "@/inngest/readiness";

export const dynamic = "force-dynamic";

// GET /readyz: the database and the executor are reachable (200), or 503 problem+json naming what is not
export function GET() {
  return readinessResponse(probeExecutor);
}

// Other methods: 405 with Allow
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
