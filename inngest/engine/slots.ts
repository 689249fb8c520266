// Call slots in this executor: at most maxConcurrentCalls runs in flight, and at most `limit`
// runs of each concurrency key. A plan (SlotPlan) reserves slots before runs are created or
// claimed in the database, then hands each run its slot and gives back what no run took.
import type { KeyLimit } from "@/inngest/engine/matching";

/** The slots taken and the runs counted under each concurrency key. */
export class SlotTable {
  /** Slots taken: runs in flight plus those reserved for runs about to start. */
  private busy = 0;
  private readonly keyCounts = new Map<string, number>();
  private readonly keyLimits = new Map<string, number>();

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

  /** Counts a run under its keys (its slot is already taken). */
  count(keys: KeyLimit[]): void {
    for (const k of keys) {
      this.keyCounts.set(k.key, (this.keyCounts.get(k.key) ?? 0) + 1);
      this.keyLimits.set(k.key, k.limit);
    }
  }

  /** Gives back what reserve() took. */
  release(keys: { key: string }[]): void {
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
