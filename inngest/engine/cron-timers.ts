// Crons: each due schedule of a synced function fires once, as a timer event stored with its one
// run. Which executor fires it is settled in the database (store.advanceCron), so a cron fires
// once however many executors poll.
import { nextCronTime } from "@/inngest/engine/cron";
import { concurrencyKeys } from "@/inngest/engine/matching";
import { CRON_EVENT, maxAttempts } from "@/inngest/engine/protocol";
import * as store from "@/inngest/engine/store";
import type { EventPayload, RegisteredFunction } from "@/inngest/engine/store";

/** Fires the due crons of `functions`; `onFired` after each run stored. */
export async function fireDueCrons(functions: Map<string, RegisteredFunction>, onFired: () => void): Promise<void> {
  const now = new Date();
  for (const c of await store.dueCrons(now)) {
    if (!functions.has(c.functionId)) continue;
    const fn = functions.get(c.functionId)!;
    if (!(await store.advanceCron(c.functionId, c.schedule, c.nextAt, nextCronTime(c.schedule, now)))) continue;
    // Missed ticks while stopped fire once, not once per missed minute.
    const event: EventPayload = {
      id: `cron:${c.functionId}:${c.schedule}:${c.nextAt.toISOString()}`,
      name: CRON_EVENT,
      data: { cron: c.schedule },
      ts: now.getTime(),
    };
    // Stored as matched: the timer event starts this function only. The cron's CAS above
    // already made this executor the only one to fire it.
    const keys = concurrencyKeys(fn, event).map((k) => k.key);
    await store.insertEvents([event], { runsFor: () => [{ functionId: fn.id, maxAttempts: maxAttempts(fn.config), concurrencyKeys: keys }] });
    onFired();
  }
}
