// GET /metrics: the Prometheus exposition (lib/observability/metrics.ts). With
// GATEHOUSE_METRICS_TOKEN set, only `Authorization: Bearer <that token>` gets it (compared in
// constant time); unset, only clients on this machine do (127.0.0.0/8, ::1), as the edge
// resolved the client address (lib/http/edge.ts: a trusted proxy's X-Forwarded-For, else the
// socket's peer), so a request relayed by a reverse proxy on the same machine counts as the
// remote client it relays, not as loopback.
import { createHash, timingSafeEqual } from "node:crypto";
import ipaddr from "ipaddr.js";
import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";
import { requestInfo } from "@/lib/api/request-info";
import { TextResponse } from "@/lib/api/text-response";
import { exposition } from "@/lib/observability/metrics";

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(ip: string | null): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip); // ::ffff:127.0.0.1 is IPv4 loopback
  return addr.range() === "loopback";
}

export async function metricsResponse(req: Request): Promise<Response> {
  const token = process.env.GATEHOUSE_METRICS_TOKEN;
  if (token) {
    const given = /^Bearer[ ]+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!sameSecret(given, token)) {
      return problemResponse(
        new AppError("unauthorized", "Send the metrics token (GATEHOUSE_METRICS_TOKEN) as Authorization: Bearer <token>.", {
          headers: { "WWW-Authenticate": 'Bearer realm="gatehouse-metrics"' },
        }),
      );
    }
  } else if (!isLoopback(requestInfo(req.headers).ip)) {
    return problemResponse(new AppError("forbidden", "Metrics are served to clients on this machine only, unless GATEHOUSE_METRICS_TOKEN is set."));
  }
  const { text, contentType } = await exposition();
  return new TextResponse(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
