// A one-second memory of valid bearer tokens, so an API client's burst of calls costs one
// database lookup per second instead of one per call. Revocation stays immediate in this
// process: revoking a token or a credential calls forgetTokens() before it answers, and every
// entry remembered before that is dropped. Another process sharing the database (several app
// instances on one PostgreSQL) sees a revocation within the entry lifetime, at most one second.
// Only active tokens are remembered; expiry is checked on every use.
import type { FoundToken } from "@/lib/credentials/oauth";

const TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

type Entry = { token: FoundToken; until: number; epoch: number };
type G = { __gatehouseTokenCache?: { epoch: number; entries: Map<string, Entry> } };
const g = globalThis as G; // one cache per process, whichever module graph asks (Next.js bundles, server.ts)
const cache = (g.__gatehouseTokenCache ??= { epoch: 0, entries: new Map() });

export function recallToken(hash: string, now = Date.now()): FoundToken | undefined {
  const e = cache.entries.get(hash);
  if (!e) return undefined;
  if (e.epoch !== cache.epoch || e.until <= now) {
    cache.entries.delete(hash);
    return undefined;
  }
  return e.token;
}

/** Read before looking a token up, and pass to rememberToken: a revocation in between wins. */
export function tokenEpoch(): number {
  return cache.epoch;
}

export function rememberToken(hash: string, token: FoundToken, epoch: number, now = Date.now()): void {
  if (epoch !== cache.epoch) return;
  if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
  cache.entries.set(hash, { token, until: now + TTL_MS, epoch });
}

/** Drops everything remembered: call it whenever a token or credential stops being valid. */
export function forgetTokens(): void {
  cache.epoch++;
  cache.entries.clear();
}
