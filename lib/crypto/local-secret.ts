// Secrets the embedded defaults generate on first run and keep in the data directory
// (mode 600). In production (NODE_ENV=production on PostgreSQL) they must come from the
// environment instead, and start-up stops with a clear message when one is missing.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, isProductionDeployment } from "@/lib/env";
import { runtime } from "@/lib/runtime/runtime";

export function localSecret(opts: { envName: string; envValue: string | undefined; file: string; bytes?: number }): string {
  if (opts.envValue) return opts.envValue;
  if (isProductionDeployment()) {
    throw new Error(
      `${opts.envName} is not set. In production Gatehouse does not generate it: set ${opts.envName} ` +
        `(e.g. \`openssl rand -base64 32\`) and start again.`,
    );
  }
  if (env().DATABASE_URL?.startsWith("memory://")) {
    // Tests: a per-process value (the runtime's, so every module graph signs alike), nothing written to disk.
    const generated = runtime().secrets.generated;
    let value = generated.get(opts.file);
    if (value === undefined) generated.set(opts.file, (value = randomBytes(opts.bytes ?? 32).toString("base64")));
    return value;
  }
  const dir = path.resolve(env().GATEHOUSE_DATA_DIR);
  const file = path.join(dir, opts.file);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = randomBytes(opts.bytes ?? 32).toString("base64");
  writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return value;
}

/** The key that signs console sessions: AUTH_SECRET, required in production like the encryption key. */
export function authSecret(): string {
  return localSecret({ envName: "AUTH_SECRET", envValue: env().AUTH_SECRET, file: "auth.secret" });
}
