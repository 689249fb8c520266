// A one-second memory of valid bearer tokens, so an API client's burst of calls costs one
// database lookup per second instead of one per call, and likewise of the credentials that
// authenticated at /oauth/token (their row, not the secret: the secret is checked against the
// stored hash on every exchange). Revocation is immediate in every process: revoking a token
// or a credential, or regenerating a secret, calls forgetTokensEverywhere() before it answers:
// this process drops every entry remembered before, and a NOTIFY (lib/db/invalidation.ts) makes
// every other process on the same PostgreSQL do the same. A process remembers nothing while its
// LISTEN connection is down, so a missed notification costs speed, never a revoked token
// accepted. (The notification travels while the revoking request's answer does: a client that
// sends its next request to another process in under a millisecond could still race it; past
// that, and at worst, the entry lifetime of one second bounds it.) Only active tokens are
// remembered; expiry is checked on every use.
import type { FoundToken, OAuthClient } from "@/lib/credentials/oauth-types";
import { createInvalidationListener, type InvalidationListener } from "@/lib/db/invalidation";
import { runtime } from "@/lib/runtime/runtime";

const TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

// One cache per process, whichever module graph asks (Next.js bundles, server.ts): the runtime's.
const cache = runtime().tokens;
const clients = cache.clients;
const TOPIC = "tokens";

/** The process's LISTEN connection, started on the first remembered entry. */
function listener(): Pick<InvalidationListener, "live" | "announce" | "ready"> {
  return (cache.listener ??= createInvalidationListener((topic) => {
    if (topic === null || topic === TOPIC) forgetTokens();
  }));
}

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
  if (epoch !== cache.epoch || !listener().live()) return;
  if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
  cache.entries.set(hash, { token, until: now + TTL_MS, epoch });
}

/** The credential row remembered for this client ID, if any. */
export function recallClient(clientId: string, now = Date.now()): OAuthClient | undefined {
  const e = clients.get(clientId);
  if (!e) return undefined;
  if (e.epoch !== cache.epoch || e.until <= now) {
    clients.delete(clientId);
    return undefined;
  }
  return e.client;
}

/** Remembers a credential row read at `epoch` (tokenEpoch() before the read). */
export function rememberClient(clientId: string, client: OAuthClient, epoch: number, now = Date.now()): void {
  if (epoch !== cache.epoch || !listener().live()) return;
  if (clients.size >= MAX_ENTRIES) clients.clear();
  clients.set(clientId, { client, until: now + TTL_MS, epoch });
}

/**
 * Drops everything remembered, in this process and (PostgreSQL) in every other one: call it
 * whenever a token or credential stops being valid or a credential's secret changes, after the
 * change committed and before answering.
 */
export async function forgetTokensEverywhere(): Promise<void> {
  forgetTokens();
  await listener().announce(TOPIC);
}

/** Resolves once this process may remember entries (its LISTEN connection is up, on PostgreSQL). */
export function tokenCacheReady(timeoutMs?: number): Promise<boolean> {
  return listener().ready(timeoutMs);
}

/** Drops everything this process remembers. */
export function forgetTokens(): void {
  cache.epoch++;
  cache.entries.clear();
  clients.clear();
}
