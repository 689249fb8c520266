// Auth.js v5 configuration: email + password (Credentials provider) with JWT sessions that are
// revocable: each JWT names a ConsoleSession row (`sid`), checked on every request in the jwt
// callback, deleted on sign-out (lib/auth/console-sessions.ts). Every request also re-reads the
// user and membership (lib/auth/session.ts), so a removed member loses access at once.
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { NextAuthConfig } from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { localSecret } from "@/lib/crypto/local-secret";
import { requestInfo } from "@/lib/api/request-info";
import { createConsoleSession, endConsoleSession, SESSION_MAX_AGE_SECONDS, consoleSessionIsLive } from "@/lib/auth/console-sessions";
import { safeRedirectUrl } from "@/lib/auth/safe-next";
import { checkSignIn } from "@/lib/auth/sign-in";
import { log } from "@/lib/observability/log";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null };
    /** The ConsoleSession this cookie stands for. */
    sessionId?: string;
  }
  interface User {
    /** Set by authorize(): the ConsoleSession created for this sign-in. */
    sid?: string;
  }
}

/** Thrown from authorize() after too many failures; its code reaches the sign-in form. */
export class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

export function authConfig(): NextAuthConfig {
  return {
    secret: localSecret({ envName: "AUTH_SECRET", envValue: env().AUTH_SECRET, file: "auth.secret" }),
    trustHost: true,
    // A wrong password is an expected outcome, not an error worth a stack trace in the log.
    logger: {
      error(err) {
        if (err.name === "CredentialsSignin" || (err as { type?: string }).type === "CredentialsSignin") return;
        log.error({ err, component: "auth" }, "Auth.js error");
      },
    },
    // The adapter is there for OAuth sign-in providers added later; password sign-in uses JWTs.
    adapter: PrismaAdapter(db),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const info = requestInfo(request.headers);
          const r = await checkSignIn(credentials, info);
          if (r.ok) return { ...r.user, sid: await createConsoleSession({ userId: r.user.id, req: info }) };
          if (r.reason === "rate_limited") throw new TooManyAttempts();
          return null;
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user?.id) {
          // Sign-in: the token names the session row authorize() created.
          token.uid = user.id;
          token.sid = user.sid;
          return token;
        }
        // Every later read: a token whose session row is gone (signed out, ended) is no session.
        return (await consoleSessionIsLive(token.sid, token.uid)) ? token : null;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        if (typeof token.sid === "string") session.sessionId = token.sid;
        return session;
      },
      // Only same-origin paths; anything else goes to the console's home.
      redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
    },
    events: {
      async signOut(message) {
        if ("token" in message && message.token) await endConsoleSession(message.token.sid);
      },
    },
  };
}
