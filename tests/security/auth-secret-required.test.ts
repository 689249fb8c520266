// Finding 16: without AUTH_SECRET a production server started and every session check answered
// 500. Start-up must refuse, as it does without the encryption key.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function start(extra: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    // Never reached when the check works: nothing listens on port 1.
    DATABASE_URL: "postgres://gatehouse@127.0.0.1:1/gatehouse",
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ...extra,
  };
  return spawnSync(
    process.execPath,
    ["--import", "tsx", "--eval", 'import("@/start-up").then((m) => m.startUp())'],
    { cwd: root, env, encoding: "utf8", timeout: 60_000 },
  );
}

it("refuses to start in production without AUTH_SECRET, and says what to set", () => {
  const r = start({});
  expect(r.status).toBe(1);
  expect(r.stdout + r.stderr).toContain("AUTH_SECRET is not set"); // a fatal log line (JSON on stdout)
});

it("gets past the secrets with AUTH_SECRET set (then fails on the unreachable database, as it should)", () => {
  const r = start({ AUTH_SECRET: randomBytes(32).toString("base64") });
  expect(r.status).toBe(1);
  expect(r.stdout + r.stderr).not.toContain("AUTH_SECRET");
  expect(r.stdout + r.stderr).toContain("cannot start");
});
