// Auth.js entry points. `auth()` is wrapped in React's cache so one request reads the session once.
import NextAuth from "next-auth";
import { cache } from "react";
import { authConfig } from "@/lib/auth/config";

const nextAuth = NextAuth(() => authConfig());

export const { handlers, signIn, signOut } = nextAuth;
export const auth = cache(nextAuth.auth);
