// Issue 17's proof: "the token endpoint stays ≥ 1.0× oidc-provider's client_credentials grant in
// the same run". Gatehouse's POST /oauth/token (client_credentials, client_secret_post; the app's
// route module behind the lean layer's Node adapter, as bench/token-endpoint.ts serves it) beside
// oidc-provider (npm, devDependency) serving the same grant for one registered client with the
// same client id, secret and scope, driven by the same load generator (bench/load-generator.ts:
// wrk when installed) with the same request body, at each connection count, in one process.
// Per connection count: a 1 s warm-up of each, the bare Node handler (the generator's ceiling),
// then rounds alternating which goes first (ABBA). Prints a table per connection count and a
// summary with the ratio Gatehouse ÷ oidc-provider, and beside it each side's CPU time per
// request (this process, where both servers run, and PostgreSQL's backends of the bench's
// database): on a shared machine the rates swing with other load, CPU per request much less.
// BENCH_WEB_PATH=1 adds a row: the same route through its web handler (a web Request and
// Response, as Next.js calls it) rather than the lean layer's plain path (node-adapter.ts).
// Run: npm run bench:token-oidc
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { cpuNow, envInt, envInts, openDatabase, prepareDatabase, printTable, rowOf, run, startBareServer, type LoadResult, type Served } from "./harness";
import { generate, pickGenerator } from "./load-generator";
import type { RouteHandler } from "@/lib/http/node-adapter";

const SCOPE = "members:read";
const TOKEN_LIFETIME = 3600; // Gatehouse's bench credential issues 1 h tokens (bench/fixtures.ts)

/**
 * oidc-provider with only what the client_credentials grant needs: one static client
 * (client_secret_post, scope members:read), opaque access tokens in its default in-memory adapter,
 * no devInteractions, its own signing key and cookie keys (so it warns about neither).
 */
async function startOidcProvider(clientId: string, secret: string): Promise<Served & { note: string }> {
  const { default: Provider } = await import("oidc-provider");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(origin, {
    clients: [
      {
        client_id: clientId,
        client_secret: secret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_post",
        scope: SCOPE,
      },
    ],
    scopes: [SCOPE],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
    },
    ttl: { ClientCredentials: TOKEN_LIFETIME },
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "bench", alg: "RS256", use: "sig" }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
  });
  const callback = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => void callback(req, res));
  return {
    origin,
    note: `oidc-provider ${(JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../node_modules/oidc-provider/package.json"), "utf8")) as { version: string }).version}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

run(async () => {
  const database = await prepareDatabase("token_oidc");
  // As bench/token-endpoint.ts: measure the endpoint, not the limiter (one client, one IP), and
  // no request log line per exchange.
  process.env.GATEHOUSE_TOKEN_RATE_LIMIT = String(1_000_000_000);
  process.env.LOG_LEVEL ??= "warn";
  const connections = envInts("BENCH_CONNECTIONS", [10, 50]);
  const seconds = Math.min(envInt("BENCH_SECONDS", 4), 4); // each run ≤ 4 s
  const rounds = envInt("BENCH_ROUNDS", 2);
  try {
    await openDatabase(database);
    const { createBenchOrg, benchCredential, expectStatus } = await import("./fixtures");
    const { serveRoutes } = await import("@/tests/helpers/route-server");
    const token = await import("@/app/oauth/token/route");
    const org = await createBenchOrg("token-oidc");
    try {
      // The app's defaults: the issuance quota is on in the app's handler; unset here (no limit),
      // as oidc-provider has none.
      const { clientId, secret } = await benchCredential(org.orgId, [SCOPE]);
      // One body for both: the same client id, secret and requested scope.
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: SCOPE }).toString();
      const headers = { "content-type": "application/x-www-form-urlencoded" };
      const gatehouse = await serveRoutes({ "/oauth/token": token }, { contract: false });
      const withWeb = process.env.BENCH_WEB_PATH === "1";
      const post = token.POST as RouteHandler;
      // The route's POST without its plain variant: the adapter builds a web Request and writes the Response.
      const webOnly = Object.assign((req: Request, c: { params: Promise<Record<string, string>> }) => post(req, c), { maxBodyBytes: post.maxBodyBytes, tooLarge: post.tooLarge });
      const web = withWeb ? await serveRoutes({ "/oauth/token": { ...token, POST: webOnly } }, { contract: false }) : undefined;
      const oidc = await startOidcProvider(clientId, secret);
      const bare = await startBareServer(200);
      const gen = pickGenerator();
      const targets: Record<string, string> = { gatehouse: gatehouse.origin + "/oauth/token", "oidc-provider": oidc.origin + "/token" };
      if (web) targets["gatehouse-web"] = web.origin + "/oauth/token";
      type Name = string;
      const summary: { c: number; g: Measured; o: Measured; w?: Measured; ratios: number[] }[] = [];
      /** One run, with the CPU it took per request: this process's, and PostgreSQL's for this database. */
      const measure = async (o: Parameters<typeof generate>[1]): Promise<LoadResult & { cpu: number; pg: number | null }> => {
        const before = cpuNow();
        const r = await generate(gen, o);
        const after = cpuNow();
        const per = (a: number, b: number) => (a - b) / Math.max(1, r.requests);
        return { ...r, cpu: per(after.proc, before.proc), pg: after.pg !== null && before.pg !== null ? per(after.pg, before.pg) : null };
      };
      try {
        for (const [name, url] of Object.entries(targets)) {
          const res = await fetch(url, { method: "POST", headers, body });
          const json = (await res.json()) as { access_token?: string; scope?: string; expires_in?: number; token_type?: string };
          if (res.status !== 200 || !json.access_token || json.scope !== SCOPE) throw new Error(`${name}: expected a token for ${SCOPE}, got ${res.status} ${JSON.stringify(json)}`);
          console.log(`  ${name}: 200, token_type ${json.token_type}, expires_in ${json.expires_in}, scope "${json.scope}", access_token ${json.access_token.length} chars`);
        }
        await expectStatus(targets.gatehouse, { method: "POST", headers, body }, 200);
        console.log(`\n## POST /oauth/token (client_credentials, client_secret_post): Gatehouse beside ${oidc.note} (issue 17: ≥ 1.0×)`);
        console.log(`  database: ${database.label}`);
        console.log(`  Gatehouse: the app's route (app/oauth/token/route.ts: limiter, quota check, secret-use record) behind the lean layer's Node adapter in this process;`);
        console.log(`    sealed tokens (lib/credentials/signed-token.ts): no write before the answer but each secret-use bucket's first; token rows and use counts`);
        console.log(`    written behind the answers to ${database.isPostgres ? "PostgreSQL" : "the database (PGlite)"} (exchange-records.ts); limits in slices of the shared counts; GATEHOUSE_TOKEN_RATE_LIMIT=1e9`);
        console.log(`  oidc-provider: its Koa app (provider.callback()) on a Node http server in this process; features.clientCredentials on, devInteractions off,`);
        console.log(`    one static client (client_secret_post, scope ${SCOPE}); opaque tokens kept IN MEMORY by its default adapter (an LRU of 1,000 entries), no database`);
        console.log(`  both: the same body (client id, secret, scope=${SCOPE}), ${TOKEN_LIFETIME} s tokens; load: ${gen}, ${seconds} s per run, after a 1 s warm-up of each; ${rounds} round(s) per connection count, alternating which goes first`);
        for (const c of connections) {
          const opts = (url: string, secs = seconds) => ({ url, method: "POST" as const, headers, body, connections: c, seconds: secs, maxRequests: 1_000_000 });
          for (const url of Object.values(targets)) await generate(gen, opts(url, 1));
          await settle();
          const baseline = rowOf("bare Node http handler", await generate(gen, opts(bare.origin + "/oauth/token")));
          const got: Record<Name, (LoadResult & { cpu: number; pg: number | null })[]> = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
          const ratios: number[] = [];
          for (let i = 0; i < rounds; i++) {
            const names = Object.keys(targets);
            const order: Name[] = i % 2 === 0 ? names : [...names].reverse();
            for (const name of order) {
              got[name]!.push(await measure(opts(targets[name]!)));
              await settle();
            }
            ratios.push(got.gatehouse![i]!.rps / Math.max(1e-9, got["oidc-provider"]![i]!.rps));
          }
          const g = combineCpu(got.gatehouse!);
          const o = combineCpu(got["oidc-provider"]!);
          const w = web ? combineCpu(got["gatehouse-web"]!) : undefined;
          summary.push({ c, g, o, w, ratios });
          const rows = [rowOf(`oidc-provider (tokens in memory)`, o), rowOf(`Gatehouse (tokens in ${database.isPostgres ? "PostgreSQL" : "PGlite"})`, g)];
          if (w) rows.push(rowOf(`Gatehouse, web handler (as Next.js calls it)`, w));
          printTable({
            title: `${c} connections: Gatehouse ÷ oidc-provider ${(g.rps / o.rps).toFixed(3)} (per round: ${ratios.map((r) => r.toFixed(3)).join(", ")})`,
            lines: [],
            rows,
            baseline,
          });
          const cpuLine = (name: string, m: Measured) =>
            `  CPU per request, ${name}: ${m.cpu.toFixed(0)} µs in this process${m.pg !== null ? `, ${m.pg.toFixed(0)} µs in PostgreSQL` : ""}`;
          console.log(cpuLine("oidc-provider", { ...o, pg: null })); // no database: what PostgreSQL's backends did meanwhile is not its
          console.log(cpuLine("Gatehouse", g));
          if (w) console.log(cpuLine("Gatehouse, web handler", w));
        }
      } finally {
        await gatehouse.close();
        await web?.close();
        await oidc.close();
        await bare.close();
      }
      const f = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
      console.log(`\n## Summary: POST /oauth/token, Gatehouse (tokens in ${database.isPostgres ? "PostgreSQL" : "PGlite"}) ÷ ${oidc.note} (tokens in memory), ${gen}`);
      console.log("  | connections | Gatehouse req/s | p50 ms | p99 ms | oidc-provider req/s | p50 ms | p99 ms | Gatehouse ÷ oidc-provider |");
      console.log("  |---:|---:|---:|---:|---:|---:|---:|---:|");
      for (const { c, g, o } of summary) {
        console.log(`  | ${c} | ${f(g.rps)} | ${f(g.p50, 1)} | ${f(g.p99, 1)} | ${f(o.rps)} | ${f(o.p50, 1)} | ${f(o.p99, 1)} | **${(g.rps / o.rps).toFixed(3)}** |`);
      }
      console.log("  (req/s: all rounds' requests ÷ their seconds; p50/p99: the mean of the rounds'; ≥ 1.000 meets issue 17; one run on a shared machine)");
      console.log(`\n  CPU per request (µs; this process holds both servers; PostgreSQL: its backends for the bench's database${database.isPostgres ? "" : ", none with PGlite, which runs in this process"}):`);
      console.log("  | connections | Gatehouse | + PostgreSQL | oidc-provider | oidc-provider ÷ Gatehouse (this process) |" + (summary[0]?.w ? " Gatehouse, web handler |" : ""));
      console.log("  |---:|---:|---:|---:|---:|" + (summary[0]?.w ? "---:|" : ""));
      for (const { c, g, o, w } of summary) {
        console.log(`  | ${c} | ${f(g.cpu)} | ${g.pg !== null ? f(g.pg) : "-"} | ${f(o.cpu)} | **${(o.cpu / g.cpu).toFixed(3)}** |` + (w ? ` ${f(w.cpu)} |` : ""));
      }
      // On a shared machine one round can swing a total: the median of the rounds' own ratios beside it.
      for (const { c, ratios } of summary) {
        const sorted = [...ratios].sort((a, b) => a - b);
        const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
        console.log(`  ${c} connections: median of ${ratios.length} rounds' ratios ${mid.toFixed(3)} (min ${sorted[0]!.toFixed(3)}, max ${sorted[sorted.length - 1]!.toFixed(3)})`);
      }
      console.log(`  machine: load average ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} on ${os.cpus().length} cores at the end`);
    } finally {
      if (database.sharedDatabase) await org.remove();
    }
  } finally {
    await database.cleanup();
  }
});

type Measured = LoadResult & { cpu: number; pg: number | null };

/** combine(), with CPU per request over all the rounds' requests. */
function combineCpu(rs: (LoadResult & { cpu: number; pg: number | null })[]): Measured {
  const all = combine(rs);
  const n = Math.max(1, all.requests);
  const pg = rs.every((r) => r.pg !== null) ? rs.reduce((a, r) => a + r.pg! * r.requests, 0) / n : null;
  return { ...all, cpu: rs.reduce((a, r) => a + r.cpu * r.requests, 0) / n, pg };
}

/** The rounds of one side as one result: rate over all of them, latencies the mean of theirs. */
function combine(rs: LoadResult[]): LoadResult {
  const requests = rs.reduce((a, r) => a + r.requests, 0);
  const seconds = rs.reduce((a, r) => a + r.seconds, 0);
  const statuses: Record<string, number> = {};
  for (const r of rs) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  const mean = (k: "p50" | "p99") => rs.reduce((a, r) => a + r[k], 0) / rs.length;
  return {
    requests,
    seconds,
    rps: seconds > 0 ? requests / seconds : 0,
    p50: mean("p50"),
    p99: mean("p99"),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    statuses,
  };
}

/** Lets the writes a run left behind (secret-use batches, connection teardown) finish before the next run. */
function settle(ms = 500) {
  return new Promise((r) => setTimeout(r, ms));
}
