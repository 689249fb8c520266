// One Gatehouse process as Inngest (Cloud or `inngest start`) sees it, for
// second-process.contract.test.ts: the real serve route (app/api/inngest/route.ts) at
// /api/inngest, configured from the environment as production is (INNGEST_SIGNING_KEY,
// INNGEST_BASE_URL, INNGEST_SERVE_ORIGIN), and a two-step contract function on the same client at
// /contract/inngest. Prints {"port": …} once listening.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { eventType } from "inngest";
import { inngest } from "@/inngest/client";
import { serveSecurity } from "@/inngest/serve-options";
import { serveWithHandler, type RouteHandler } from "@/lib/http/node-adapter";

const route = await import("@/app/api/inngest/route");
const twoSteps = inngest.createFunction(
  { id: "contract-two-steps", retries: 1, triggers: [eventType("contract/two-steps")] },
  async ({ step, event }) => {
    const a = await step.run("first", () => ({ servedBy: process.pid, n: (event.data as { n: number }).n }));
    const b = await step.run("second", () => ({ servedBy: process.pid, double: a.n * 2 }));
    return { first: a, second: b };
  },
);
const contract = serve({ client: inngest, functions: [twoSteps], ...serveSecurity() });

const server = http.createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/api/inngest") {
    const handler = (req.method === "PUT" ? route.PUT : req.method === "GET" ? route.GET : route.POST) as unknown as RouteHandler;
    return serveWithHandler(handler, {}, req, res, `http://${req.headers.host ?? "127.0.0.1"}`);
  }
  if (path === "/contract/inngest") return contract(req, res);
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
});
