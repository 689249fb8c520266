// Call slots in this executor: at most maxConcurrentCalls runs in flight, and at most `limit`
// runs of each concurrency key. A plan (SlotPlan) reserves slots before runs are created or
// claimed in the database, then hands each run its slot and gives back what no run took.
//
// Slow keys start their runs spread out. A key whose runs hold their slot long (an org whose
// receivers hang until their timeout) would otherwise start all its runs at the moment its
// previous ones time out together, and end them together again one timeout later: a burst of
// work on the event loop and the database that every other key's runs wait behind. Its runs
// start at least SPREAD × (its runs' recent slot time) ÷ (its limit) apart (at most
// MAX_SPACING_MS), so its `limit` starts spread over a tenth of one run's time: a delay that is
// small beside the run's own time, and none at all for a key whose runs are quick. A run is
// claimed and holds its slot while it waits for its turn (startDelay), so the spreading costs no
// queries and holds whatever the executor's loop is doing.
import type { KeyLimit } from "@/inngest/engine/matching";

/** The share of a run's slot time over which a key's starts are spread. */
const SPREAD = 0.1;
/** Starts closer together than this are not spread (quick keys: no delay, no timers). */
const MIN_SPACING_MS = 20;
/** The longest gap between two starts of one key. */
const MAX_SPACING_MS = 100;
/** A key's slot time is forgotten this long after its last run ended. */
const HOLD_MEMORY_MS = 10 * 60_000;

/** The slots taken and the runs counted under each concurrency key. */
export class SlotTable {
  /** Slots taken: runs in flight plus those reserved for runs about to start. */
  private busy = 0;
  private readonly keyCounts = new Map<string, number>();
  private readonly keyLimits = new Map<string, number>();
  /** Per key: how long its runs held a slot lately (a moving average, ms), and when one last ended. */
  private readonly holds = new Map<string, { ms: number; at: number }>();
  /** Per slow key: when its next run may start. */
  private readonly nextStart = new Map<string, number>();
  private holdsPrunedAt = 0;

  constructor(private readonly max: number) {}

  /** Slots not taken. */
  free(): number {
    return this.max - this.busy;
  }

  /** Whether a run with these keys would go over one of their limits. */
  full(keys: KeyLimit[]): boolean {
    return keys.some((k) => (this.keyCounts.get(k.key) ?? 0) >= k.limit);
  }

  /** Takes a slot, and room under each key, for one run; false when there is none. */
  reserve(keys: KeyLimit[]): boolean {
    if (this.busy >= this.max) return false;
    if (this.full(keys)) return false;
    this.busy++;
    this.count(keys);
    return true;
  }

  /**
   * How long a run about to start with these keys waits for its turn (ms; 0 for quick keys), and
   * books that turn: the next run of each slow key among them starts one spacing later. Never
   * more than `maxMs` (the run's lease must outlast its wait).
   */
  startDelay(keys: KeyLimit[], now = Date.now(), maxMs = Infinity): number {
    let at = now;
    for (const k of keys) at = Math.max(at, this.nextStart.get(k.key) ?? 0);
    at = Math.min(at, now + maxMs);
    for (const k of keys) {
      const gap = this.spacing(k);
      if (gap >= MIN_SPACING_MS) this.nextStart.set(k.key, at + gap);
      else this.nextStart.delete(k.key);
    }
    return at - now;
  }

  /** How far apart this key's runs start (ms): see the top of this file. */
  private spacing(k: KeyLimit): number {
    const hold = this.holds.get(k.key)?.ms ?? 0;
    return Math.min(MAX_SPACING_MS, (hold * SPREAD) / Math.max(1, k.limit));
  }

  /** Counts a run under its keys (its slot is already taken). */
  count(keys: KeyLimit[]): void {
    for (const k of keys) {
      this.keyCounts.set(k.key, (this.keyCounts.get(k.key) ?? 0) + 1);
      this.keyLimits.set(k.key, k.limit);
    }
  }

  /** Gives back what reserve() took; `heldMs`: how long a run held it (a slot no run took: none). */
  release(keys: { key: string }[], heldMs?: number): void {
    if (heldMs !== undefined) this.noteHold(keys, heldMs);
    this.busy--;
    for (const k of keys) {
      const n = (this.keyCounts.get(k.key) ?? 1) - 1;
      if (n > 0) this.keyCounts.set(k.key, n);
      else {
        this.keyCounts.delete(k.key);
        this.keyLimits.delete(k.key);
      }
    }
  }

  /** Learns each key's slot time (the latest run counts for half, so a key that turns slow is spread from its next starts). */
  private noteHold(keys: { key: string }[], ms: number): void {
    const now = Date.now();
    for (const k of keys) {
      const h = this.holds.get(k.key);
      this.holds.set(k.key, { ms: h ? (h.ms + ms) / 2 : ms, at: now });
    }
    if (now - this.holdsPrunedAt > 60_000) {
      this.holdsPrunedAt = now;
      for (const [key, h] of this.holds) if (now - h.at > HOLD_MEMORY_MS) this.holds.delete(key);
      for (const [key, at] of this.nextStart) if (at < now) this.nextStart.delete(key);
    }
  }

  /** Keys at their limit in this executor right now. */
  fullKeys(): string[] {
    return [...this.keyCounts].filter(([key, n]) => n >= (this.keyLimits.get(key) ?? Infinity)).map(([key]) => key);
  }
}

/**
 * The slots reserved while planning one batch of runs. A run that is then created or claimed is
 * handed its slot (same keys); what no run took is released.
 */
export class SlotPlan {
  private readonly held: KeyLimit[][] = [];
  /** Runs planned to start per batch key: the other events of a busy key join one of them. */
  readonly batchKeys = new Map<string, number>();

  constructor(private readonly executor: { reserve(keys: KeyLimit[]): boolean; release(keys: { key: string }[]): void }) {}

  take(keys: KeyLimit[]): boolean {
    if (!this.executor.reserve(keys)) return false;
    this.held.push(keys);
    return true;
  }

  /** Hands a reserved slot with these keys to a run; false if none is left. */
  hand(keys: string[]): boolean {
    const i = this.held.findIndex((h) => h.length === keys.length && h.every((k, j) => k.key === keys[j]));
    if (i < 0) return false;
    this.held.splice(i, 1);
    return true;
  }

  releaseRest(): void {
    for (const keys of this.held.splice(0)) this.executor.release(keys);
  }
}
