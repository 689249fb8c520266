// `npm start`: the production server. See lib/http/gatehouse-server.ts for its two layers (a lean
// Node layer for the API's hot paths, Next.js for the rest).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGatehouseServer } from "@/lib/http/gatehouse-server";

(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

/** The port: PORT, or `-p` / `--port` on the command line (as with `next start`), else 3000. */
function listenPort(argv = process.argv): number {
  const i = argv.findIndex((a) => a === "-p" || a === "--port");
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--port="))?.slice(7);
  const value = process.env.PORT ?? flag ?? "3000";
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${value}`);
  return port;
}

try {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  await startGatehouseServer({ dir, port: listenPort() });
} catch (err) {
  console.error(`\n[gatehouse] cannot start: ${(err as Error).message}\n`);
  process.exit(1);
}
