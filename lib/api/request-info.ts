// Where a request came from, for audit entries and rate limits, and the origin it was sent to,
// for generated URLs. Both come from headers the server's edge (lib/http/edge.ts) sets from
// trusted sources only (the socket, GATEHOUSE_TRUSTED_PROXIES, GATEHOUSE_PUBLIC_URL); a client's
// own values of these headers never get this far. Under `next dev` (no edge) Next.js fills them
// and keeps what the client sent: fine on a developer's machine, never in production.
import { isIP } from "node:net";
import { AppError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { isValidHost, plainIp } from "@/lib/http/edge";

export type RequestInfo = { ip: string | null; userAgent: string | null };

export function requestInfo(headers: Pick<Headers, "get">): RequestInfo {
  // The edge sets one address; with several (next dev), the nearest hop is the least forgeable.
  const fwd = headers.get("x-forwarded-for");
  const last = fwd ? fwd.slice(fwd.lastIndexOf(",") + 1).trim() : "";
  const ip = last && isIP(last) ? plainIp(last) : null;
  return { ip, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}

/**
 * The origin clients use: GATEHOUSE_PUBLIC_URL when set, else the one the edge resolved
 * (X-Forwarded-Host/-Proto, Host). Only http/https and a valid host; anything else is a 400.
 */
export function requestOrigin(req: { url: string; headers: Pick<Headers, "get"> }): string {
  const configured = env().GATEHOUSE_PUBLIC_URL;
  if (configured) return configured;
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host") || url.host;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() || url.protocol.slice(0, -1);
  if ((proto !== "http" && proto !== "https") || !isValidHost(host)) {
    throw new AppError("bad_request", "The request's Host or X-Forwarded-Proto is not a valid origin.");
  }
  return `${proto}://${host}`;
}

/** Whether requestOrigin() reflects request headers (no GATEHOUSE_PUBLIC_URL): such answers must not be cached. */
export function originFromRequest(): boolean {
  return !env().GATEHOUSE_PUBLIC_URL;
}
