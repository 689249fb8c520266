// `npm start`: the production server. See lib/http/gatehouse-server.ts for its two layers (a lean
// Node layer for the API's hot paths, Next.js for the rest).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { env } from "@/lib/env";
import { startGatehouseServer } from "@/lib/http/gatehouse-server";
import { listenPort } from "@/lib/http/listen-port";
import { briefError, log } from "@/lib/observability/log";
import { boundHeapGrowth } from "@/lib/runtime/heap-growth";

(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

try {
  boundHeapGrowth(env().GATEHOUSE_HEAP_GROWTH_PERCENT);
  // tsx switches source maps on for the whole process, so Node would load and keep the .map file
  // of every Next.js server chunk it loads (their sourcesContent included): ~50 MiB of an idle
  // heap. Off from here on, unless node was started with --enable-source-maps; the modules
  // imported above keep theirs.
  if (!process.execArgv.includes("--enable-source-maps") && !process.env.NODE_OPTIONS?.includes("--enable-source-maps")) process.setSourceMapsEnabled(false);
  const dir = path.dirname(fileURLToPath(import.meta.url));
  await startGatehouseServer({ dir, port: listenPort() });
} catch (err) {
  log.fatal({ error: briefError(err) }, `cannot start: ${(err as Error).message}`);
  process.exit(1);
}
