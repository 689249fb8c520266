// Generates the Prisma client without the internet. `prisma generate` does not use the
// schema-engine binary, but the CLI insists that one exists; when none is configured we
// point it at node itself (any executable passes the check). With the internet and no
// override, the CLI behaves as usual.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: "inherit",
  env,
});
process.exit(r.status ?? 1);
