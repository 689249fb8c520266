import { defineConfig } from "vitest/config";
import path from "node:path";

// Unit and integration tests. Each test file runs in its own module graph, so the
// in-memory PGlite behind lib/db is fresh per file.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: path.resolve(import.meta.dirname) + "/" },
      // next-auth imports "next/server" without an extension, which plain Node ESM cannot resolve.
      { find: /^next\/(server|headers|navigation)$/, replacement: "next/$1.js" },
    ],
  },
  test: {
    include: ["lib/**/*.test.ts", "inngest/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    // LOG_LEVEL=warn: otherwise every request a test makes prints its access line (tests of the
    // logs themselves set their own level).
    env: { DATABASE_URL: "memory://", NODE_ENV: "test", GATEHOUSE_ALLOW_PRIVATE_URLS: "1", LOG_LEVEL: "warn" },
    testTimeout: 60_000, // a fresh database migrates inside the first query; slow on a loaded machine
    hookTimeout: 120_000,
    pool: "forks",
    server: { deps: { inline: ["next-auth", "@auth/core", "@auth/prisma-adapter"] } },
  },
});
