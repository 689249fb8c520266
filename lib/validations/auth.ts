// Sign-in, names, email addresses and console sessions. A new password's rules (and zxcvbn's
// dictionaries, ~230 KB of script) are in passwords.ts, so that pages asking only for an email or a
// name (sign-in, members, the organization's settings) do not load them.
import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address" }))
  .describe("Email address, used to sign in");

export const personNameSchema = z.string().trim().min(1, "Enter your name").max(100).describe("Display name");

export const orgNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters")
  .max(80, "Use at most 80 characters")
  .describe("Organization name");

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(200),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const consoleSessionSchema = z.object({
  id: z.string().describe("Session ID"),
  created_at: z.iso.datetime().describe("When the session was signed in"),
  last_seen_at: z.iso.datetime().describe("When it was last used (to the minute)"),
  ip: z.string().nullable().describe("Client address at sign-in"),
  user_agent: z.string().nullable().describe("Browser at sign-in"),
  current: z.boolean().describe("Whether this is the session making the request"),
});
export type ConsoleSessionView = z.infer<typeof consoleSessionSchema>;
