// Where `npm start` (server.ts) and `next start` listen, read the same way by both.
/** The port the server listens on: PORT, or `-p` / `--port` on the command line (server.ts and `next start` alike), else 3000. */
export function listenPort(argv = process.argv): number {
  const i = argv.findIndex((a) => a === "-p" || a === "--port");
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--port="))?.slice(7);
  const value = process.env.PORT ?? flag ?? "3000";
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${value}`);
  return port;
}
