// Where outgoing webhooks may be sent. Checked when an endpoint is written (checkEndpointUrl) and
// again by the delivery engine at send time (assertDeliverableUrl, safeLookup), because a
// hostname can start resolving to an internal address after it was saved (DNS rebinding).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";
import { runtime } from "@/lib/runtime/runtime";

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

// IPv6 ranges that carry an IPv4 address: a packet to one of them reaches (through a translator,
// a relay or the host's own stack) the IPv4 address inside, so they are judged by that address.
// Each entry: the range, and how to get the IPv4 address(es) out of the 8 groups.
type Groups = number[];
const v4of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
const EMBEDDING: { range: [string, number]; v4: (g: Groups) => string[] }[] = [
  { range: ["::ffff:0:0", 96], v4: (g) => [v4of(g[6]!, g[7]!)] }, // IPv4-mapped (RFC 4291)
  { range: ["::ffff:0:0:0", 96], v4: (g) => [v4of(g[6]!, g[7]!)] }, // IPv4-translated (RFC 6145)
  { range: ["64:ff9b::", 96], v4: (g) => [v4of(g[6]!, g[7]!)] }, // NAT64 well-known prefix (RFC 6052)
  { range: ["2002::", 16], v4: (g) => [v4of(g[1]!, g[2]!)] }, // 6to4 (RFC 3056)
  // Teredo (RFC 4380): the server's IPv4 in groups 2-3, the client's obfuscated (inverted) in 6-7.
  { range: ["2001::", 32], v4: (g) => [v4of(g[2]!, g[3]!), v4of(~g[6]! & 0xffff, ~g[7]! & 0xffff)] },
  { range: ["::", 96], v4: (g) => [v4of(g[6]!, g[7]!)] }, // IPv4-compatible (deprecated, RFC 4291)
];
const EMBEDDING_PARSED = EMBEDDING.map((e) => ({ ...e, net: [ipaddr.IPv6.parse(e.range[0]), e.range[1]] as [ipaddr.IPv6, number] }));

// IPv6 ranges refused outright: besides the obvious ones, the local-use NAT64 prefix (RFC 8215),
// whose IPv4 position depends on a local prefix length, and everything outside global unicast.
const BLOCKED_V6: [string, number][] = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo is judged by its IPv4 addresses above)
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation
  ["5f00::", 16], // segment routing SIDs
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
];
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, "ipv6");
const GLOBAL_UNICAST: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse("2000::"), 3];

function isBlockedV4(addr: string): boolean {
  if (blocked.check(addr, "ipv4")) return true;
  // ipaddr.js knows a few more special-purpose ranges (AMT, AS112); only plain unicast passes.
  return ipaddr.IPv4.parse(addr).range() !== "unicast";
}

function isBlockedV6(addr: string): boolean {
  const ip = ipaddr.IPv6.parse(addr);
  const g = ip.parts;
  // ::/96 also holds :: and ::1, which are judged as themselves below.
  for (const e of EMBEDDING_PARSED) {
    if (!ip.match(e.net)) continue;
    if (e.range[0] === "::" && g[6] === 0 && g[7]! <= 1) break; // :: and ::1 themselves
    return e.v4(g).some(isBlockedV4);
  }
  if (blocked.check(ip.toNormalizedString(), "ipv6")) return true;
  return !ip.match(GLOBAL_UNICAST);
}

/**
 * Whether an IP address literal is one that webhooks must not reach: private, loopback,
 * link-local, unique-local, CGNAT, multicast, unspecified, documentation and other
 * special-purpose ranges, and every IPv6 address that embeds or translates to such an IPv4
 * address. Anything else (a host name) is not an address literal and returns false.
 */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const family = isIP(bare);
  if (family === 4) return isBlockedV4(bare);
  if (family === 6) return isBlockedV6(bare);
  return false;
}

function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "localhost.localdomain";
}

/** Whether private destinations are allowed (GATEHOUSE_ALLOW_PRIVATE_URLS), with a test override. */
export function allowPrivateUrls(): boolean {
  return runtime().urlPolicy.allowPrivateUrls ?? env().GATEHOUSE_ALLOW_PRIVATE_URLS;
}

/** Tests only: overrides GATEHOUSE_ALLOW_PRIVATE_URLS (which env() caches); undefined restores it. */
export function setAllowPrivateUrlsForTests(value: boolean | undefined): void {
  runtime().urlPolicy.allowPrivateUrls = value;
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
