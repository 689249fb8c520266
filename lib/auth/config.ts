// Auth.js v5 configuration: email + password (Credentials provider) with JWT sessions.
// Every request re-reads the user and membership from the database (lib/auth/session.ts),
// so a removed member or deleted user loses access on their next request.
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { NextAuthConfig } from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { localSecret } from "@/lib/crypto/local-secret";
import { requestInfo } from "@/lib/api/request-info";
import { checkSignIn } from "@/lib/auth/sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null };
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
        console.error("[auth]", err);
      },
    },
    // The adapter is there for OAuth sign-in providers added later; password sign-in uses JWTs.
    adapter: PrismaAdapter(db),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const r = await checkSignIn(credentials, requestInfo(request.headers).ip);
          if (r.ok) return r.user;
          if (r.reason === "rate_limited") throw new TooManyAttempts();
          return null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}
