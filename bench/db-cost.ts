// What the database does for a benchmark's work, beside the process's own CPU: the CPU time of
// PostgreSQL's backends serving the bench's database, the rows written per table, and the
// statements the process sent. Steadier than rates on a shared machine.
/**
 * BENCH_COUNT_SQL=1: counts the statements the process sends to PostgreSQL (pg's Client.query, which
 * Prisma's adapter and lib/db/sql.ts both use) during the measured phase, by their first words.
 * pg_stat_statements is not installed here; this counts what the app asks for, per delivery.
 */
export async function countStatements(): Promise<{ stop(): Map<string, number> }> {
  const pg = (await import("pg")).default;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const counts = new Map<string, number>();
  const keys = new Map<string, string>();
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; name?: string } | undefined;
    const text = typeof q === "string" ? q : (q?.text ?? q?.name ?? "?");
    let key = keys.get(text);
    if (key === undefined) {
      const flat = text.replace(/\s+/g, " ").trim();
      keys.set(text, (key = flat.length > 110 ? `${flat.slice(0, 70)} … ${flat.slice(-40)}` : flat));
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original.apply(this, args);
  };
  return {
    stop() {
      proto.query = original;
      return counts;
    },
  };
}

/**
 * CPU time (ms) of the PostgreSQL backends serving this bench's database, read from /proc (the
 * server runs on this machine): what the database spent on the deliveries, which the process's
 * own CPU figure leaves out. Null where it cannot be read (PGlite, no /proc, another user's server).
 */
export async function databaseCpu(): Promise<(() => Promise<number | null>) | null> {
  const { sql } = await import("@/lib/db/sql");
  const { readFileSync } = await import("node:fs");
  const ticks = 100; // USER_HZ on Linux
  const cpuOf = (pid: number): number | null => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return ((Number(f[11]) + Number(f[12])) * 1000) / ticks; // utime + stime
    } catch {
      return null;
    }
  };
  const sample = async () => {
    const rows = await sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
    const m = new Map<number, number>();
    for (const r of rows) {
      const c = cpuOf(Number(r.pid));
      if (c !== null) m.set(Number(r.pid), c);
    }
    return m;
  };
  const before = await sample();
  if (before.size === 0) return null;
  return async () => {
    const after = await sample();
    let total = 0;
    for (const [pid, c] of after) total += c - (before.get(pid) ?? 0);
    return total;
  };
}

/** Row writes per table (PostgreSQL's statistics; HOT updates write no index entries). */
export async function tableWrites(): Promise<Map<string, { ins: number; upd: number; hot: number; del: number }>> {
  const { sql } = await import("@/lib/db/sql");
  const rows = await sql<{ relname: string; ins: string; upd: string; hot: string; del: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del FROM pg_stat_user_tables`,
  );
  return new Map(rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd), hot: Number(r.hot), del: Number(r.del) }]));
}

type Writes = Map<string, { ins: number; upd: number; hot: number; del: number }>;

/** Row writes per unit of work since `before` (waits for the backends to report their counts). */
export async function printTableWrites(before: Writes, units: number, unit = "delivery"): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_500)); // backends report their counts at most once a second
  const writes = await tableWrites();
  const per = (n: number) => (n / Math.max(1, units)).toFixed(2);
  const lines = [...writes]
    .map(([t, w]) => {
      const b = before.get(t) ?? { ins: 0, upd: 0, hot: 0, del: 0 };
      return { t, ins: w.ins - b.ins, upd: w.upd - b.upd, hot: w.hot - b.hot, del: w.del - b.del };
    })
    .filter((w) => w.ins + w.upd + w.del > 0)
    .sort((a, b) => b.ins + b.upd + b.del - (a.ins + a.upd + a.del));
  console.log(`  row writes per ${unit} (inserted / updated (of which HOT) / deleted): ` + lines.map((w) => `${w.t} ${per(w.ins)}/${per(w.upd)} (${per(w.hot)})/${per(w.del)}`).join("; "));
}

export function printStatements(statements: Map<string, number>, units: number, unit = "delivery"): void {
  const total = [...statements.values()].reduce((a, b) => a + b, 0);
  console.log(`  SQL statements: ${total} (${(total / Math.max(1, units)).toFixed(3)} per ${unit}); the most frequent:`);
  for (const [text, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`    ${String(n).padStart(8)}  ${(n / Math.max(1, units)).toFixed(3)}/${unit}  ${text}`);
  }
}
