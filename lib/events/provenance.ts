// Causal provenance: every event records what caused it (the credential that posted it, with
// the client's address; a console user; an incoming webhook's message; Gatehouse itself). The
// fields are written by the statement that stores the event (ingest-event.ts), with an HMAC that
// seals them to the event's id, organization, environment, type and time under a key the
// database does not hold (lib/audit/audit-keys.ts), so whoever edits the link in the database
// (say, to blame another credential) cannot recompute the seal: the API then answers
// `verified: false`. Changes (endpoints, webhooks, credentials) carry the same actor in the audit
// log, whose hash chain covers them.
import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "@/lib/audit/audit-hash";
import { provenanceKey } from "@/lib/audit/audit-keys";
import type { EventCause as CauseType } from "@/lib/generated/prisma/client";

export type EventCause = {
  type: CauseType;
  /** The credential's, user's or incoming webhook's id; null for system. */
  id: string | null;
  /** Its name at the time: the credential's name, the user's email, the incoming webhook's name. */
  label: string;
  /** The client's address (the edge's, see lib/api/request-info.ts). */
  ip: string | null;
  /** inbound: the message (imsg_…) the event was made from. */
  messageId?: string | null;
};

/** The cause of an event stored by an /api/v1 request: its caller (lib/api/with-api.ts's ActorContext). */
export function causeFromActor(a: { actor: { type: "user" | "credential" | "system"; id: string | null; label: string }; ip: string | null }): EventCause {
  return { type: a.actor.type, id: a.actor.type === "system" ? null : a.actor.id, label: a.actor.label, ip: a.ip };
}

export const SYSTEM_CAUSE: EventCause = { type: "system", id: null, label: "Gatehouse", ip: null };

type Sealed = { id: string; orgId: string; environment: string; type: string; createdAt: Date };

function sealText(e: Sealed, c: EventCause): string {
  return canonicalJson({
    v: 1,
    id: e.id,
    orgId: e.orgId,
    environment: e.environment,
    type: e.type,
    createdAt: e.createdAt.toISOString(),
    causedByType: c.type,
    causedById: c.id,
    causedByLabel: c.label,
    causedByIp: c.ip,
    causedByMessageId: c.messageId ?? null,
  });
}

/** The seal of an event's provenance, hex. `key`: provenanceKey(), read once per batch. */
export function provenanceMac(e: Sealed, c: EventCause, key: Buffer = provenanceKey()): string {
  return createHmac("sha256", key).update(sealText(e, c)).digest("hex");
}

type StoredEvent = Sealed & {
  causedByType: CauseType | null;
  causedById: string | null;
  causedByLabel: string | null;
  causedByIp: string | null;
  causedByMessageId: string | null;
  provenanceMac: string | null;
};

/** The event's cause as stored, or null on events stored before provenance was recorded. */
export function storedCause(e: Omit<StoredEvent, keyof Sealed>): EventCause | null {
  if (!e.causedByType) return null;
  return { type: e.causedByType, id: e.causedById, label: e.causedByLabel ?? "", ip: e.causedByIp, messageId: e.causedByMessageId };
}

/** Whether the stored provenance is the one sealed when the event was stored. */
export function provenanceVerified(e: StoredEvent, key: Buffer = provenanceKey()): boolean {
  const cause = storedCause(e);
  if (!cause || !e.provenanceMac) return false;
  const want = Buffer.from(provenanceMac(e, cause, key), "hex");
  const got = Buffer.from(e.provenanceMac, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}
