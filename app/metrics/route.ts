import { methodsNotAllowed } from "@/lib/api/method-not-allowed";
import { metricsResponse } from "@/lib/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

// GET /metrics: Prometheus metrics (bearer GATEHOUSE_METRICS_TOKEN, or loopback clients only when it is unset)
export function GET(req: Request) {
  return metricsResponse(req);
}

// Other methods: 405 with Allow
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
