// `npm run lint` (part of `npm test`). Next.js's own rules (eslint-config-next, flat config since
// Next 16), typescript-eslint's recommended rules, and the layering of the code, enforced:
//
//   app/ ─┬─> components/ ─> lib/        (lib/ imports nothing above it)
//         ├─> inngest/ ──────> lib/
//         └─> lib/           inngest/engine/ ─> lib/db/ (and the Prisma client it generates), and
//                                             lib/runtime/ (the process's composition root) only
//
// The top level (server.ts, instrumentation.ts, start-up.ts) composes the layers and may import
// any of them; so do tests, test helpers (testing*.ts), benchmarks and scripts.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/** Files that wire layers together for a test: the layering rules do not apply to them. */
const testFiles = ["**/*.test.ts", "**/*.test.tsx", "**/testing.ts", "**/testing-*.ts", "e2e/**", "tests/**", "bench/**", "scripts/**"];

const layer = (message) => message + " (see eslint.config.mjs for the layering).";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", "lib/generated/**", "test-results/**", "playwright-report/**"]),
  {
    // Where eslint-config-next applies (and brings the import plugin): not CommonJS helpers (.cjs).
    files: ["**/*.{js,jsx,mjs,ts,tsx,mts}"],
    // Never parse dependencies for import/no-cycle: it only follows our own files (and PGlite's
    // bundle overflows the parser's stack).
    settings: { "import/ignore": ["node_modules"] },
    rules: {
      "import/no-cycle": ["error", { ignoreExternal: true }],
      // A `let` that a callback reads before its one assignment (a timer set after the handler
      // that clears it) reads better declared up front.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // CommonJS helpers (loaded with `node --require`) use require by nature.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Playwright fixtures take a function named `use`: not React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["**/*.{ts,tsx,mts,mjs,js}"],
    ignores: testFiles,
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./lib",
              from: ["./app", "./components", "./inngest", "./server.ts", "./instrumentation.ts", "./start-up.ts"],
              message: layer("lib/ is the bottom layer: it must not import app/, components/, inngest/ or the start-up code; pass what it needs in"),
            },
            {
              target: "./components",
              from: ["./app", "./inngest"],
              message: layer("components/ imports lib/ only: server actions live in lib/ or are passed in as props"),
            },
            {
              target: "./inngest",
              from: ["./app", "./components"],
              message: layer("inngest/ imports lib/ only"),
            },
            {
              target: "./inngest/engine",
              from: "./lib",
              // lib/runtime/ holds what the process owns (the executor's URL, keys, in-process
              // handlers): the one object every module graph of the process finds.
              except: ["./db", "./generated", "./runtime"],
              message: layer("the embedded executor (inngest/engine/) depends on lib/db/, lib/runtime/ and its own files only"),
            },
            {
              target: "./inngest/engine",
              from: "./inngest",
              except: ["./engine"],
              message: layer("the embedded executor (inngest/engine/) depends on lib/db/ and its own files only"),
            },
          ],
        },
      ],
    },
  },
]);
