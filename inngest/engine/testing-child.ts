// Runs the engine as a separate process for engine-crash.test.ts, which kills it with SIGKILL.
// Prints {"url": …} once listening.
import { startEngine } from "@/inngest/start-engine";

const engine = await startEngine({
  serveUrl: process.env.GATEHOUSE_TEST_SERVE_URL!,
  pollIntervalMs: 50,
  backoff: () => 200,
});
process.stdout.write(`${JSON.stringify({ url: engine.url })}\n`);
