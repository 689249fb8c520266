// What lib/deliveries holds for the life of the process, kept in the composition root
// (lib/runtime/runtime.ts: `runtime().deliveries`), so that every copy of these modules in the
// process (Next.js's bundles, the lean layer's graph) sends through the same slots, agents and
// batched statements, and a delete, pause or URL change cancels the sends of all of them.
// All of it is per process: the limits it serves are counted across processes in PostgreSQL
// (EndpointThrottle, endpoint-throttle.ts); the slots only keep a process from asking for more
// than it could use.
import type { Agent } from "node:http";
import type { ByteBudget } from "@/lib/deliveries/byte-budget";

/** One endpoint's send slots in this process: requests going, those waiting for one, the last rate-paced start. */
export type SendSlots = { n: number; waiting: (() => void)[]; lastStart: number };

export type DeliverySendsState = {
  /** Requests in flight per endpoint in this process (attempt-delivery.ts, acquireSendSlot). */
  slots: Map<string, SendSlots>;
  /** Keep-alive agents per endpoint and URL origin, the least recently used first. */
  agents: Map<string, Agent>;
  /** The sends in flight per endpoint, to cancel on a delete, pause or URL change (in-flight-sends.ts). */
  inFlight: Map<string, Set<AbortController>>;
  /** The bodies held by sends in flight (GATEHOUSE_DELIVERY_BUFFER_MIB), made on first use. */
  buffer?: ByteBudget;
  /**
   * The statements every run in the process shares (claims and releases, attempt records, payload
   * loads, the loads of batches that start together): one queue each, made on first use by the
   * module that owns it.
   */
  batchers: Partial<Record<"claims" | "records" | "payloads" | "deliveries", unknown>>;
  /**
   * Releases of ended sends waiting to ride along with the next claim statement instead of
   * making one of their own (endpoint-throttle.ts), and the timer that sends them alone if no
   * claim comes first.
   */
  releases: { waiting: unknown[]; timer: ReturnType<typeof setTimeout> | null };
};
