// Plain SQL on the shared driver, for the few hot paths where Prisma's per-query overhead
// dominates (token exchange, bearer lookup, event and message ingestion). Everything else uses
// Prisma. Timestamps: Prisma stores DateTime as UTC in `timestamp(3)` columns, so writes pass
// ISO strings and reads select `col AT TIME ZONE 'UTC'` (a timestamptz both drivers parse right).
import { ensureDatabase } from "@/lib/db/client";
import { rawSql, type RawSql } from "@/lib/db/driver";
import { runtime } from "@/lib/runtime/runtime";

// The runner and the prepared statements' names are the process's (lib/runtime/runtime.ts): every
// copy of this module (Next.js bundles and the lean layer's own import each evaluate it) shares
// the pool's connections, and one name must stand for one text on all of them.
const state = runtime().db;

/** The raw SQL runner once the database is open; a failed open is tried again on the next call. */
function runner(): Promise<RawSql> {
  if (state.rawOpening) return state.rawOpening;
  const p = ensureDatabase().then((d) => (state.raw = rawSql(d)));
  state.rawOpening = p;
  p.catch(() => {
    if (state.rawOpening === p) state.rawOpening = undefined;
  });
  return p;
}

export async function sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
  const s = state.raw ?? (await runner());
  return s.query<T>(text, params);
}

const preparedTexts = state.preparedTexts;

/**
 * A hot query as a prepared statement on PostgreSQL (PGlite runs it as sql() does): each pooled
 * connection parses it once, and PostgreSQL stops planning it once it settles on a generic plan.
 * For fixed texts only; one name stands for one text in the whole process. Only for statements
 * whose best plan does not depend on how big a table is: a generic plan made while a table was
 * small stays with the connection as the table grows (the claim and the attempt record in
 * lib/deliveries are planned per execution for that reason).
 */
export function prepared<T = Record<string, unknown>>(name: string, text: string): (params: unknown[]) => Promise<T[]> {
  const known = preparedTexts.get(name);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} already stands for another query`);
  preparedTexts.set(name, text);
  return async (params) => {
    const s = state.raw ?? (await runner());
    return s.query<T>(text, params, name);
  };
}

/** `$1, $2, …` placeholders for `rows` rows of `width` values each: "($1,$2),($3,$4)". */
export function valuesList(rows: number, width: number, casts: string[] = []): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (let c = 0; c < width; c++) cols.push(`$${r * width + c + 1}${casts[c] ?? ""}`);
    out.push(`(${cols.join(",")})`);
  }
  return out.join(",");
}

/**
 * Group commit: callers add one item each and wait; items that arrive while a write is in
 * flight go together in the next one (one statement, one commit). Under no load a batch is a
 * single item and nothing waits; under load, commits are shared. Every caller learns whether
 * its own item was written: a failed batch rejects all of its callers. `concurrency` writes
 * may be in flight at once (default one).
 */
export function createBatcher<T>(write: (items: T[]) => Promise<void>, maxBatch = 500, concurrency = 1) {
  return batchQueue<T, void>(async (items) => {
    await write(items);
    return [];
  }, maxBatch, concurrency);
}

/**
 * Read coalescing, the read side of createBatcher: concurrent loads go to the database together
 * (`load` gets the distinct keys and answers a Map). A key only ever joins a load that has not
 * been sent yet, so every caller gets what the database held after its call began; nothing is
 * remembered once a load has answered. Under no load each call is its own query.
 */
export function createLoader<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 100, concurrency = 2) {
  const run = batchQueue<K, V | undefined>(async (keys) => {
    const found = await load([...new Set(keys)]);
    return keys.map((k) => found.get(k));
  }, maxBatch, concurrency);
  return (key: K): Promise<V | undefined> => run(key);
}

/**
 * createBatcher, held by the process's runtime under `name`: every copy of the calling module
 * (Next.js's graph, the lean layer's) adds to the one queue, so concurrent callers share a commit
 * whichever layer they came through. Names are unique in the process ("<module>.<what>"). The
 * queue writes with the `write` of the copy evaluated last (the same code in production; the
 * edited one after a reload in `next dev`).
 */
export function processBatcher<T>(name: string, write: (items: T[]) => Promise<void>, maxBatch = 500, concurrency = 1): (item: T) => Promise<void> {
  const held = state.batchers as Map<string, Held<(items: T[]) => Promise<void>, (item: T) => Promise<void>>>;
  let entry = held.get(name);
  if (entry) entry.fn = write;
  else {
    const e: Held<(items: T[]) => Promise<void>, (item: T) => Promise<void>> = { fn: write, run: createBatcher((items) => e.fn(items), maxBatch, concurrency) };
    held.set(name, (entry = e));
  }
  return entry.run;
}

/** createLoader, held by the process's runtime under `name` (as processBatcher). */
export function processLoader<K, V>(name: string, load: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 100, concurrency = 2): (key: K) => Promise<V | undefined> {
  const held = state.batchers as Map<string, Held<(keys: K[]) => Promise<Map<K, V>>, (key: K) => Promise<V | undefined>>>;
  let entry = held.get(name);
  if (entry) entry.fn = load;
  else {
    const e: Held<(keys: K[]) => Promise<Map<K, V>>, (key: K) => Promise<V | undefined>> = { fn: load, run: createLoader((keys) => e.fn(keys), maxBatch, concurrency) };
    held.set(name, (entry = e));
  }
  return entry.run;
}

type Held<F, R> = { fn: F; run: R };

function batchQueue<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch: number, concurrency: number) {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;

  async function drain() {
    running++;
    try {
      while (queue.length) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
        try {
          const results = await run(batch.map((b) => b.item));
          for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i] as R);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      running--;
    }
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < concurrency) void drain();
    });
}
