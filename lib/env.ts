// Environment variables, parsed once with zod. Documented in README.md and .env.example.
import proxyaddr from "proxy-addr";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // postgres://… selects PostgreSQL; memory:// an in-memory PGlite (tests); unset the file-backed PGlite.
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?|memory):\/\//, "must start with postgres://, postgresql:// or memory://")
    .optional(),
  GATEHOUSE_DATA_DIR: z.string().default(".data"),
  // PostgreSQL: how long a query may wait for a connection (a new one, or a free pooled one)
  // before it fails; while the database is down, requests are answered 503 within this bound.
  GATEHOUSE_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(3_000),
  // PostgreSQL: the longest one statement may run (statement_timeout) before it is cancelled and
  // its request answered 503; 0 turns it off. Migrations are not bound by it.
  GATEHOUSE_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  // 32 bytes, base64 or hex. Generated into the data directory when unset on the embedded defaults.
  GATEHOUSE_ENCRYPTION_KEY: z.string().optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  // Lets outgoing URLs point at private, loopback and link-local addresses (development, tests).
  GATEHOUSE_ALLOW_PRIVATE_URLS: bool,
  // Comma-separated durations (`30s,2m,5m,15m,1h,6h,24h`) between delivery attempts.
  GATEHOUSE_RETRY_SCHEDULE: z.string().optional(),
  // Bearer token for GET /metrics; unset, metrics are served to loopback clients only.
  GATEHOUSE_METRICS_TOKEN: z.string().min(16, "use at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent", ""]).optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_BASE_URL: z.string().url().optional(),
  INNGEST_DEV: z.string().optional(),
  // How far V8 lets the JavaScript heap grow past what survived its last full collection before
  // collecting again, in percent (lib/runtime/heap-growth.ts). 0 leaves it to V8 (up to 300%).
  GATEHOUSE_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  // Port of the embedded Inngest executor (0 = any free port).
  GATEHOUSE_EXECUTOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // Address `npm start` listens on (a host name or IP). Unset: every interface.
  HOSTNAME: z.string().regex(/^[A-Za-z0-9.:_-]+$/, "must be a host name or an IP address").optional(),
  // Comma-separated addresses or CIDRs (IPv4 and IPv6) of the reverse proxies in front of the
  // server. Only a peer in this list may set X-Forwarded-For/-Host/-Proto. Unset: none is trusted.
  GATEHOUSE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      try {
        proxyaddr.compile(list);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `not a list of IP addresses or CIDRs (${(err as Error).message})` });
        return z.NEVER;
      }
      return list;
    }),
  // The origin clients use (https://gatehouse.example.com): generated URLs (OAuth metadata,
  // incoming-webhook URLs, invite links) use it instead of any request header.
  GATEHOUSE_PUBLIC_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be an absolute URL such as https://gatehouse.example.com" });
        return z.NEVER;
      }
      if ((u.protocol !== "http:" && u.protocol !== "https:") || u.pathname !== "/" || u.search || u.hash || u.username || u.password) {
        ctx.addIssue({ code: "custom", message: "must be an http or https origin without a path, query or credentials" });
        return z.NEVER;
      }
      return u.origin;
    }),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** `source` (process.env) validated; throws one message listing every invalid variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // `DATABASE_URL=` (empty, as .env files often leave it) means unset, like every other variable.
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** Production means NODE_ENV=production on a real PostgreSQL database: no generated secrets there. */
export function isProductionDeployment(): boolean {
  const e = env();
  return e.NODE_ENV === "production" && !!e.DATABASE_URL && e.DATABASE_URL.startsWith("postgres");
}
