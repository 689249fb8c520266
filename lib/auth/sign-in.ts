// Checks an email and password, with a limit on repeated failures per account and per IP.
import { db } from "@/lib/db/client";
import { peekRateLimit, rateLimit, resetRateLimit } from "@/lib/api/rate-limit";
import { verifyPassword } from "@/lib/auth/password";
import { signInSchema } from "@/lib/validations/auth";

const WINDOW_MS = 15 * 60_000;
const PER_ACCOUNT = 5; // failed attempts per email and IP within the window
const PER_IP = 50; // failed attempts per IP within the window, any email

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "invalid" | "rate_limited"; retryAfterSeconds?: number };

export async function checkSignIn(input: unknown, ip: string | null): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const accountKey = `signin:acct:${email}:${ip ?? "?"}`;
  const ipKey = `signin:ip:${ip ?? "?"}`;
  for (const [key, limit] of [
    [accountKey, PER_ACCOUNT],
    [ipKey, PER_IP],
  ] as const) {
    const r = peekRateLimit(key, limit);
    if (!r.ok) return { ok: false, reason: "rate_limited", retryAfterSeconds: r.resetSeconds };
  }
  const user = await db.user.findUnique({ where: { email } });
  if (!(await verifyPassword(user?.passwordHash, password)) || !user) {
    rateLimit(accountKey, PER_ACCOUNT, WINDOW_MS);
    rateLimit(ipKey, PER_IP, WINDOW_MS);
    return { ok: false, reason: "invalid" };
  }
  resetRateLimit(accountKey);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
