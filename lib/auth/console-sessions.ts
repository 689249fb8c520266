// Server-side console sessions. The session cookie is still an Auth.js JWT, but it carries a
// session id (`sid`) whose row must exist on every request: deleting the row ends the session
// at once, wherever the cookie has been copied to (sign-out, "end session", password change).
import { randomBytes } from "node:crypto";
import type { RequestInfo } from "@/lib/api/request-info";
import { AppError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import type { ConsoleSessionView } from "@/lib/validations/auth";

/** Idle lifetime, as the cookie's: each use pushes the end this far ahead. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
// lastSeenAt is written at most this often per session, not on every request.
const TOUCH_EVERY_MS = 60_000;

export async function createConsoleSession(opts: { userId: string; req: RequestInfo }): Promise<string> {
  const id = `ses_${randomBytes(24).toString("base64url")}`;
  const now = Date.now();
  // The user's expired sessions go when a new one starts, so the table does not grow forever.
  await db.consoleSession.deleteMany({ where: { userId: opts.userId, expiresAt: { lte: new Date(now) } } });
  await db.consoleSession.create({
    data: {
      id,
      userId: opts.userId,
      ip: opts.req.ip,
      userAgent: opts.req.userAgent?.slice(0, 512) ?? null,
      expiresAt: new Date(now + SESSION_MAX_AGE_SECONDS * 1000),
    },
  });
  return id;
}

/**
 * Whether the session `sid` of user `userId` is still live; records that it was used. A JWT
 * without a sid (issued before sessions were stored) is not live either.
 */
export async function consoleSessionIsLive(sid: unknown, userId: unknown): Promise<boolean> {
  if (typeof sid !== "string" || typeof userId !== "string") return false;
  const s = await db.consoleSession.findUnique({ where: { id: sid }, select: { userId: true, lastSeenAt: true, expiresAt: true } });
  const now = Date.now();
  if (!s || s.userId !== userId || s.expiresAt.getTime() <= now) return false;
  if (now - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.consoleSession
      .updateMany({ where: { id: sid }, data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_MAX_AGE_SECONDS * 1000) } })
      .catch(() => {});
  }
  return true;
}

/** Ends one session (sign-out). */
export async function endConsoleSession(sid: unknown): Promise<void> {
  if (typeof sid !== "string") return;
  await db.consoleSession.deleteMany({ where: { id: sid } });
}

/** Ends every session of a user, except `keep` (e.g. after a password change). */
export async function endUserSessions(userId: string, opts: { keep?: string } = {}): Promise<number> {
  const r = await db.consoleSession.deleteMany({ where: { userId, ...(opts.keep ? { id: { not: opts.keep } } : {}) } });
  return r.count;
}


/** The live sessions of a user, newest use first. */
export async function listConsoleSessions(opts: { userId: string; currentSid: string | null }): Promise<ConsoleSessionView[]> {
  const rows = await db.consoleSession.findMany({
    where: { userId: opts.userId, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 100,
  });
  return rows.map((s) => ({
    id: s.id,
    created_at: s.createdAt.toISOString(),
    last_seen_at: s.lastSeenAt.toISOString(),
    ip: s.ip,
    user_agent: s.userAgent,
    current: s.id === opts.currentSid,
  }));
}

/** Ends one of the user's own sessions, by id. 404 for anyone else's (or an unknown id). */
export async function endOwnConsoleSession(opts: { userId: string; sessionId: string }): Promise<void> {
  const r = await db.consoleSession.deleteMany({ where: { id: opts.sessionId, userId: opts.userId } });
  if (r.count === 0) throw new AppError("not_found", "No such session.");
}
