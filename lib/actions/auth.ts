"use server";
// Server actions of the signed-out pages (forms in components/auth/): first-run setup, sign in,
// accept an invitation.
// A new user accepts with a name and password; an existing one signs in first, then joins.
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { AppError, toAppError, zodFieldErrors } from "@/lib/api/errors";
import { requestInfo } from "@/lib/api/request-info";
import { signIn, signOut } from "@/lib/auth/auth";
import { CONSOLE_HOME, safeNextPath } from "@/lib/auth/safe-next";
import { getSessionUser } from "@/lib/auth/session";
import { acceptInvitation, acceptInvitationAsUser } from "@/lib/orgs/accept-invitation";
import { redeemPasswordReset } from "@/lib/orgs/password-reset";
import { setupFirstAdmin } from "@/lib/orgs/setup-first-admin";
import { signInSchema } from "@/lib/validations/auth";
import { acceptInviteSchema, resetPasswordSchema, setupSchema } from "@/lib/validations/passwords";

export type ActionResult = { ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string> };

const HOME = CONSOLE_HOME;

function failure(err: unknown): ActionResult {
  const e = toAppError(err);
  const fieldErrors = e.errors ? Object.fromEntries(e.errors.map((f) => [f.field, f.message])) : undefined;
  return { ok: false, message: e.status >= 500 ? "Something went wrong. Try again." : e.message, fieldErrors };
}

async function startSession(email: string, password: string): Promise<ActionResult> {
  try {
    await signIn("credentials", { email, password, redirect: false });
    return { ok: true };
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code;
      if (code === "rate_limited") {
        return { ok: false, message: "Too many attempts. Wait a few minutes, then try again." };
      }
      return { ok: false, message: "Invalid email or password." };
    }
    throw err;
  }
}

export async function setupAction(input: unknown): Promise<ActionResult> {
  const parsed = setupSchema.safeParse(input);
  if (!parsed.success) return failure(parsed.error);
  try {
    await setupFirstAdmin(parsed.data, requestInfo(await headers()));
  } catch (err) {
    return failure(err);
  }
  return startSession(parsed.data.email, parsed.data.password);
}

export async function signInAction(input: unknown): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: Object.fromEntries(zodFieldErrors(parsed.error).map((f) => [f.field, f.message])) };
  }
  return startSession(parsed.data.email, parsed.data.password);
}

export async function acceptInviteAction(token: string, input: unknown): Promise<ActionResult> {
  const parsed = acceptInviteSchema.safeParse(input);
  if (!parsed.success) return failure(parsed.error);
  let email: string;
  try {
    ({ email } = await acceptInvitation({ token, ...parsed.data, req: requestInfo(await headers()) }));
  } catch (err) {
    if (err instanceof AppError) return failure(err);
    throw err;
  }
  return startSession(email, parsed.data.password);
}

/** Sets a new password with a one-time reset link an owner made, then signs in with it. */
export async function resetPasswordAction(token: string, input: unknown): Promise<ActionResult> {
  const parsed = resetPasswordSchema.safeParse(input);
  if (!parsed.success) return failure(parsed.error);
  let email: string;
  try {
    ({ email } = await redeemPasswordReset({ token, password: parsed.data.password, req: requestInfo(await headers()) }));
  } catch (err) {
    if (err instanceof AppError) return failure(err);
    throw err;
  }
  return startSession(email, parsed.data.password);
}

/** The signed-in user joins the organization of an invitation made out to their email. */
export async function joinWithInviteAction(token: string): Promise<ActionResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: "Sign in to accept this invitation." };
  try {
    await acceptInvitationAsUser({ token, userId: user.id, req: requestInfo(await headers()) });
  } catch (err) {
    if (err instanceof AppError) return failure(err);
    throw err;
  }
  return { ok: true };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

/** Signs out and comes back to a page of this site (e.g. an invite link meant for another email). */
export async function signOutAndReturnAction(path: string): Promise<void> {
  await signOut({ redirectTo: safeNextPath(path) ?? "/sign-in" });
}

export async function homePath(): Promise<string> {
  return HOME;
}
