// Expiry reminders (issue 16): every active credential expiring within 30, 7 or 1 days gets one
// notification (and one `gatehouse.credential.expiring` operator event) per threshold it reaches,
// from a daily cron (inngest/functions/credential-expiry-reminders.ts). The key includes the
// expiry time, so a credential whose expiry changes is reminded afresh; running the cron twice
// (or in two processes at once) writes nothing new.
import { db } from "@/lib/db/client";
import { REMINDER_DAYS } from "@/lib/credentials/expiring-credentials";
import { createNotification, sendOperatorEvents } from "@/lib/notifications/create-notification";

const DAY_MS = 24 * 3600_000;
const PAGE = 500;
const MAX_PER_RUN = 20_000;

export const credentialLink = (id: string) => `/settings/organization/credentials/${id}`;

export async function runCredentialExpiryReminders(now = new Date()): Promise<{ checked: number; created: number }> {
  let checked = 0;
  let created = 0;
  let after = "";
  while (checked < MAX_PER_RUN) {
    const page = await db.credential.findMany({
      where: { status: "active", expiresAt: { gt: now, lte: new Date(now.getTime() + 30 * DAY_MS) }, id: { gt: after } },
      orderBy: { id: "asc" },
      select: { id: true, orgId: true, environment: true, name: true, clientId: true, expiresAt: true },
      take: PAGE,
    });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    checked += page.length;
    const ids = await db.$transaction(async (tx) => {
      const out: string[] = [];
      for (const c of page) {
        const left = c.expiresAt!.getTime() - now.getTime();
        const within = REMINDER_DAYS.find((d) => left <= d * DAY_MS)!;
        const days = Math.max(1, Math.ceil(left / DAY_MS));
        const id = await createNotification(tx, {
          orgId: c.orgId,
          environment: c.environment,
          kind: "credential.expiring",
          title: `Credential "${c.name}" expires in ${days} day${days === 1 ? "" : "s"}`,
          body: `It expires on ${c.expiresAt!.toISOString().slice(0, 16).replace("T", " ")} UTC. Create its successor and move its clients over before then.`,
          link: credentialLink(c.id),
          target: { type: "credential", id: c.id },
          dedupeKey: `credential.expiring:${c.id}:${within}:${c.expiresAt!.toISOString()}`,
          data: { credential: { id: c.id, name: c.name, client_id: c.clientId }, expires_at: c.expiresAt!.toISOString(), within_days: within },
        });
        if (id) out.push(id);
      }
      return out;
    });
    created += ids.length;
    await sendOperatorEvents(ids);
    if (page.length < PAGE) break;
  }
  return { checked, created };
}
