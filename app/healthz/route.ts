import { livenessResponse } from "@/lib/observability/health";
import { methodsNotAllowed } from "@/lib/api/method-not-allowed";

export const dynamic = "force-dynamic";

// GET /healthz: the process is alive (for load balancers and orchestrators; no auth, no database)
export function GET() {
  return livenessResponse();
}

// Other methods: 405 with Allow
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
