// The sync: the executor learns the app's functions from its serve endpoint. Either in band (a
// signed PUT whose signed reply carries the configs) or by the SDK POSTing /fn/register to the
// executor's server (server.ts); both end in servedFunctions(), which refuses a function served
// anywhere but the executor's own serve URL.
import { canonicalJson, signatureHeader, verifySignature } from "@/inngest/engine/signing";
import { inBandSyncSchema, type FunctionConfig } from "@/inngest/engine/protocol";
import type { RegisteredFunction } from "@/inngest/engine/store";

/** A sync the executor will not accept (its server answers 400). */
export class SyncRefused extends Error {
  constructor(message: string) {
    super(`sync refused: ${message}`);
  }
}

/**
 * Syncs in band (PUT to the serve endpoint). The app's functions, or null when the SDK synced
 * out of band instead (with INNGEST_ALLOW_IN_BAND_SYNC=0 it has POSTed /fn/register, see server.ts).
 */
export async function syncInBand(serveUrl: string, signingKey: string, signal: AbortSignal): Promise<{ appId: string; functions: FunctionConfig[] } | null> {
  const body = canonicalJson({ url: serveUrl });
  const res = await fetch(serveUrl, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      "x-inngest-sync-kind": "in_band",
      "x-inngest-signature": signatureHeader(body, signingKey),
    },
    body,
    signal: AbortSignal.any([AbortSignal.timeout(30_000), signal]),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sync: ${serveUrl} answered ${res.status}: ${text.slice(0, 300)}`);
  if (res.headers.get("x-inngest-sync-kind") !== "in_band") return null;
  if (!verifySignature(text, res.headers.get("x-inngest-signature"), signingKey)) {
    throw new Error(`sync: the reply of ${serveUrl} is not signed with this executor's key`);
  }
  const reply = inBandSyncSchema.parse(JSON.parse(text));
  return { appId: reply.app_id, functions: reply.functions };
}

/**
 * The functions of a sync, to be stored. The executor only ever calls the serve URL it was
 * started with: a sync that names any other URL is refused (a forged Host header must not move
 * where runs, and the deliveries they sign, are sent).
 */
export function servedFunctions(configs: FunctionConfig[], serveUrl: string): RegisteredFunction[] {
  const serve = new URL(serveUrl);
  return configs.map((config) => {
    const step = config.steps.step ?? Object.values(config.steps)[0];
    if (!step) throw new SyncRefused(`function ${config.id} has no step runtime`);
    const url = new URL(step.runtime.url);
    if (url.origin !== serve.origin || url.pathname !== serve.pathname) {
      throw new SyncRefused(`function ${config.id} is served at ${url.origin}${url.pathname}, not at this executor's ${serveUrl}`);
    }
    return { id: config.id, url: serveUrl, config };
  });
}
