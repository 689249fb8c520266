// For tests of the delivery path: the app's real functions served on loopback, the embedded
// executor calling them (poll 50 ms), and the delivery dispatcher registered, as `npm start`
// wires them.
import { inngest } from "@/inngest/client";
import { registerDeliveryDispatcher } from "@/inngest/dispatch";
import { startEngine, type Engine, type EngineOptions } from "@/inngest/start-engine";
import { serveFunctions, silentLogger } from "@/inngest/engine/testing";
import { functions } from "@/inngest/index";

export async function startDeliveryEngine(options: Partial<Omit<EngineOptions, "serveUrl">> = {}): Promise<{ engine: Engine; close(): Promise<void> }> {
  const served = await serveFunctions(inngest, functions);
  const engine = await startEngine({ pollIntervalMs: 50, logger: silentLogger, ...options, serveUrl: served.url });
  await engine.ready;
  registerDeliveryDispatcher();
  return {
    engine,
    close: async () => {
      await engine.stop();
      await served.close();
    },
  };
}
