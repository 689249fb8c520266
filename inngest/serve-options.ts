// Who may sync the app's serve endpoint, and which origin a sync reports. A sync tells the
// executor where to send every run (and so every signed delivery): it must never come from a
// request's Host header.
import { usesEmbeddedExecutor } from "@/inngest/engine/embedded-config";

export type ServeSecurity = { serveOrigin?: string; enableUnauthedSync: boolean };

export function serveSecurity(env: Record<string, string | undefined> = process.env): ServeSecurity {
  // Embedded executor: it syncs in-band with a signed request that names its own serve URL, and
  // only ever calls that URL; an unsigned PUT (which would make the SDK register the URL it
  // reads from the request) is refused.
  if (usesEmbeddedExecutor(env)) return { enableUnauthedSync: false };
  // Inngest Cloud / `inngest start`: signed in-band syncs always work. An unsigned
  // `curl -X PUT …/api/inngest` (out-of-band sync) is accepted only when the origin it reports
  // is configured, never taken from the request.
  const serveOrigin = env.INNGEST_SERVE_ORIGIN || publicOrigin(env.GATEHOUSE_PUBLIC_URL);
  return { serveOrigin, enableUnauthedSync: !!serveOrigin };
}

function publicOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The SDK parses a POST or PUT body before it checks the signature and throws on one that is not
 * JSON: that is the caller's fault, so a 400, not a 500.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's handler types vary by framework
export function refuseNonJson<H extends (...args: any[]) => Promise<Response>>(handler: H): H {
  return (async (...args: Parameters<H>) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (err instanceof SyntaxError) {
        return Response.json({ error: "The request body is not JSON.", status: 400 }, { status: 400 });
      }
      throw err;
    }
  }) as H;
}
