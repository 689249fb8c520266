// The app's one Inngest client. With INNGEST_SIGNING_KEY / INNGEST_BASE_URL (Inngest Cloud,
// self-hosted `inngest start`) or INNGEST_DEV (the Dev Server) the SDK configures itself from
// the environment as usual. With none of them it talks to the embedded executor
// (inngest/engine), whose address is only known once it listens, so the options below are
// getters: the SDK reads them on every use, not once at construction.
import { Inngest } from "inngest";
import { inProcessFetch } from "@/inngest/engine/in-process";
import { embeddedExecutorUrl, embeddedKeys, usesEmbeddedExecutor } from "@/inngest/engine/embedded-config";
import { inngestLogger } from "@/inngest/logger";

const embedded = usesEmbeddedExecutor();

export const inngest = new Inngest({
  id: "gatehouse",
  // Sends to the embedded executor in this process are answered in-process (engine/in-process.ts).
  fetch: inProcessFetch,
  // Checkpointing makes the SDK call back into /v1/checkpoint, which only Inngest's own
  // servers implement; off, the SDK speaks the plain call/response protocol everywhere.
  checkpointing: false,
  // The app's JSON logger; a retry the function asks for is an outcome, not an error (logger.ts).
  logger: inngestLogger(),
  // Cloud mode against the embedded executor: requests into the serve endpoint are signed.
  get isDev() {
    return embedded ? false : undefined;
  },
  get baseUrl() {
    return embedded ? embeddedExecutorUrl() : undefined;
  },
  get signingKey() {
    return embedded ? embeddedKeys().signingKey : undefined;
  },
  get eventKey() {
    return embedded ? embeddedKeys().eventKey : undefined;
  },
});
