import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

// The same test files as vitest.config.ts, each on its own fresh database on a real PostgreSQL
// server (GATEHOUSE_TEST_PG_URL), created and dropped by tests/pg-setup.ts.
// Files that only make sense on PGlite opt out by name: `*.pglite.test.ts`.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      // pg-setup.ts replaces this per file; a placeholder keeps lib/env's validation happy.
      env: { DATABASE_URL: "postgres://placeholder.invalid/unused" },
      setupFiles: ["tests/pg-setup.ts"],
      globalSetup: ["tests/pg-global-setup.ts"],
      exclude: ["**/node_modules/**", "**/*.pglite.test.ts"],
    },
  }),
);
