// Where outgoing webhooks may be sent. Checked when an endpoint is written (checkEndpointUrl) and
// again by the delivery engine at send time (assertDeliverableUrl, safeLookup), because a
// hostname can start resolving to an internal address after it was saved (DNS rebinding).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { env } from "@/lib/env";

export type UrlProblem = { code: "invalid" | "scheme" | "https_required" | "credentials" | "private" | "unresolvable"; message: string };

/** Thrown by assertDeliverableUrl and safeLookup; `code` says why, `message` is safe to show. */
export class UrlPolicyError extends Error {
  readonly code: UrlProblem["code"];
  constructor(p: UrlProblem) {
    super(p.message);
    this.name = "UrlPolicyError";
    this.code = p.code;
  }
}

export const MAX_URL_LENGTH = 2048;

// Addresses no webhook may reach: private, loopback, link-local, unique-local, CGNAT, and the
// reserved/documentation/multicast ranges that are never a legitimate public receiver.
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** Expands an IPv6 address into its eight 16-bit groups (handles "::" and a dotted IPv4 tail). */
function ipv6Groups(addr: string): number[] | null {
  let a = addr.toLowerCase().split("%")[0]!;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4tail) {
    const o = v4tail[1]!.split(".").map(Number);
    a = a.slice(0, -v4tail[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0) return null;
  const groups = [...h, ...Array(fill).fill("0"), ...t].map((g) => parseInt(g || "0", 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** The IPv4 address carried inside an IPv6 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
function embeddedIPv4(addr: string): string | null {
  const g = ipv6Groups(addr);
  if (!g) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (zero(0, 6) && (g[6]! !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!); // ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4(g[6]!, g[7]!); // NAT64 64:ff9b::/96
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return null;
}

/** Whether an IP address literal is one that webhooks must not reach. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family === 6) {
    const inner = embeddedIPv4(bare);
    if (inner && blocked.check(inner, "ipv4")) return true;
    return blocked.check(bare.split("%")[0]!, "ipv6");
  }
  return false;
}

function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "localhost.localdomain";
}

/** Whether private destinations are allowed (GATEHOUSE_ALLOW_PRIVATE_URLS), with a test override. */
export function allowPrivateUrls(): boolean {
  const g = globalThis as { __gatehouseAllowPrivateUrls?: boolean };
  return g.__gatehouseAllowPrivateUrls ?? env().GATEHOUSE_ALLOW_PRIVATE_URLS;
}

/** Tests only: overrides GATEHOUSE_ALLOW_PRIVATE_URLS (which env() caches); undefined restores it. */
export function setAllowPrivateUrlsForTests(value: boolean | undefined): void {
  (globalThis as { __gatehouseAllowPrivateUrls?: boolean }).__gatehouseAllowPrivateUrls = value;
}

/**
 * Synchronous checks of the URL text: absolute http(s), no userinfo, https in live, and no
 * private address literal or localhost name unless `allowPrivate`. Returns the parsed URL.
 */
export function checkUrlSyntax(
  raw: string,
  opts: { environment?: "test" | "live"; allowPrivate: boolean },
): { ok: true; url: URL } | { ok: false; problem: UrlProblem } {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, problem: { code: "invalid", message: `must be at most ${MAX_URL_LENGTH} characters` } };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: { code: "invalid", message: "must be an absolute URL such as https://example.com/webhooks" } };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, problem: { code: "scheme", message: "must use https:// (or http:// in the test environment)" } };
  }
  if (opts.environment === "live" && url.protocol !== "https:") {
    return { ok: false, problem: { code: "https_required", message: "must use https:// in the live environment" } };
  }
  if (url.username || url.password) {
    return { ok: false, problem: { code: "credentials", message: "must not contain a user name or password; use auth_token or custom headers" } };
  }
  if (!url.hostname) return { ok: false, problem: { code: "invalid", message: "must name a host" } };
  if (!opts.allowPrivate && (isLocalhostName(url.hostname) || isBlockedAddress(url.hostname))) {
    return { ok: false, problem: { code: "private", message: "must not point at a private, loopback or link-local address" } };
  }
  return { ok: true, url };
}

type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * Send-time check, for the delivery engine: the URL passes checkUrlSyntax and, unless
 * `allowPrivate`, every address its host resolves to is public. Throws UrlPolicyError
 * (`unresolvable` when DNS fails). Returns the addresses it checked, so a caller can connect to
 * one of them; better still, pass `safeLookup` as the socket's `lookup` so the address checked is
 * the address used.
 */
export async function assertDeliverableUrl(
  raw: string,
  opts: { allowPrivate?: boolean; environment?: "test" | "live"; resolve?: Resolver } = {},
): Promise<{ url: URL; addresses: string[] }> {
  const allowPrivate = opts.allowPrivate ?? allowPrivateUrls();
  const r = checkUrlSyntax(raw, { environment: opts.environment, allowPrivate });
  if (!r.ok) throw new UrlPolicyError(r.problem);
  const host = r.url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return { url: r.url, addresses: [host] };
  let addresses: LookupAddress[];
  try {
    addresses = await (opts.resolve ?? systemResolver)(host);
  } catch (err) {
    throw new UrlPolicyError({ code: "unresolvable", message: `could not resolve ${host} (${(err as { code?: string }).code ?? "DNS error"})` });
  }
  if (!addresses.length) throw new UrlPolicyError({ code: "unresolvable", message: `${host} has no addresses` });
  if (!allowPrivate) {
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) {
      throw new UrlPolicyError({ code: "private", message: `${host} resolves to ${bad.address}, a private, loopback or link-local address` });
    }
  }
  return { url: r.url, addresses: addresses.map((a) => a.address) };
}

/**
 * A drop-in `lookup` for node:http(s) / node:net that refuses private addresses, so the address
 * checked is the one connected to. Use when `allowPrivateUrls()` is false.
 */
export function safeLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string } | number,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  const opts = typeof options === "number" ? { family: options } : options;
  dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const wanted = addresses.filter((a) => !opts.family || opts.family === a.family || opts.family === `IPv${a.family}`);
    const bad = wanted.find((a) => isBlockedAddress(a.address));
    if (bad || !wanted.length) {
      const e = new UrlPolicyError({
        code: bad ? "private" : "unresolvable",
        message: bad ? `${hostname} resolves to ${bad.address}, a private, loopback or link-local address` : `${hostname} has no addresses`,
      }) as UrlPolicyError & NodeJS.ErrnoException;
      return callback(e, "");
    }
    if (opts.all) return callback(null, wanted);
    callback(null, wanted[0]!.address, wanted[0]!.family);
  });
}

/**
 * Write-time check of an endpoint URL: the syntax rules, then, unless private URLs are allowed,
 * a DNS lookup (bounded by `timeoutMs`) that refuses a host resolving only to private addresses.
 * A host that does not resolve (yet) is accepted; the send-time check decides then.
 * Returns a problem to report on the `url` field, or null.
 */
export async function checkEndpointUrl(
  raw: string,
  opts: { environment: "test" | "live"; allowPrivate?: boolean; resolve?: Resolver; timeoutMs?: number },
): Promise<UrlProblem | null> {
  const allowPrivate = opts.allowPrivate ?? allowPrivateUrls();
  const r = checkUrlSyntax(raw, { environment: opts.environment, allowPrivate });
  if (!r.ok) return r.problem;
  const host = r.url.hostname.replace(/^\[|\]$/g, "");
  if (allowPrivate || isIP(host)) return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    (opts.resolve ?? systemResolver)(host).catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), opts.timeoutMs ?? 2000))),
  ]).finally(() => clearTimeout(timer));
  if (addresses && addresses.length && addresses.every((a) => isBlockedAddress(a.address))) {
    return { code: "private", message: `must not point at a private address (${host} resolves to ${addresses[0]!.address})` };
  }
  return null;
}
