// Where a request came from, for audit entries and rate limits.
export type RequestInfo = { ip: string | null; userAgent: string | null };

export function requestInfo(headers: Headers): RequestInfo {
  const fwd = headers.get("x-forwarded-for");
  const ip = (fwd ? fwd.split(",")[0]!.trim() : null) || headers.get("x-real-ip") || null;
  return { ip: ip && plainIp(ip), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}

/**
 * An IPv4 client of a dual-stack server arrives as an IPv4-mapped IPv6 address
 * (`::ffff:203.0.113.7`): shown and rate-limited as the IPv4 address it is.
 */
function plainIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** The origin the client used, as the browser sees it (honours a reverse proxy's headers). */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}
