// A new password's rules: at least 10 characters and not easy to guess (zxcvbn, score 3 or more),
// and the forms that set one: first-run setup, accepting an invitation, a password reset. zxcvbn's
// dictionaries are ~230 KB of script: only these forms' pages load them (auth.ts has the rest).
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";
import { emailSchema, orgNameSchema, personNameSchema } from "@/lib/validations/auth";

// Why a password is too easy to guess, in words (zxcvbn's warning keys).
const WEAK: Record<string, string> = {
  straightRow: "Rows of keys on the keyboard are easy to guess",
  keyPattern: "Short keyboard patterns are easy to guess",
  simpleRepeat: "Repeated characters like \"aaa\" are easy to guess",
  extendedRepeat: "Repeated patterns like \"abcabcabc\" are easy to guess",
  sequences: "Sequences like \"abc\" or \"6543\" are easy to guess",
  recentYears: "Recent years are easy to guess",
  dates: "Dates are easy to guess",
  topTen: "This is one of the most used passwords",
  topHundred: "This is a very commonly used password",
  common: "This is a commonly used password",
  similarToCommon: "This is too close to a commonly used password",
  wordByItself: "Single words are easy to guess",
  namesByThemselves: "Names by themselves are easy to guess",
  commonNames: "Common names are easy to guess",
  userInputs: "Don't use your name, email or organization in the password",
};

// Built on first use: ranking the dictionaries takes a moment, and most pages never need it.
let estimator: ZxcvbnFactory | undefined;

/** Why `password` is too weak (zxcvbn score below 3, "safely unguessable"), or null when it is fine. */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide.
  const r = estimator.check(password.slice(0, 100), userInputs.filter(Boolean));
  if (r.score >= 3) return null;
  const why = (r.feedback.warning && WEAK[r.feedback.warning]) || "This password is too easy to guess";
  return `${why}. Add more words or characters that are hard to guess.`;
}

/** The words of a name, an email and an organization, whole and joined, as zxcvbn's user inputs. */
function personalWords(...values: string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const lower = v.toLowerCase();
    for (const part of [lower, ...lower.split("@")]) {
      const words = part.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
      out.add(part);
      out.add(words.join(""));
      for (const w of words) out.add(w);
    }
  }
  return [...out].filter(Boolean);
}

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters")
  .superRefine((password, ctx) => {
    if (password.length < 10) return;
    const weak = passwordWeakness(password);
    if (weak) ctx.addIssue({ code: "custom", message: weak });
  })
  .describe("Password (10 to 200 characters, not easy to guess: no common passwords, words on their own, repeats or sequences)");

export const setupSchema = z
  .object({
    name: personNameSchema,
    email: emailSchema,
    password: passwordSchema,
    orgName: orgNameSchema,
  })
  .superRefine((v, ctx) => {
    // A password made of the account's own name, email or organization is guessed first.
    if (v.password.length < 10 || passwordWeakness(v.password) !== null) return;
    const weak = passwordWeakness(v.password, personalWords(v.name, v.email, v.orgName));
    if (weak) ctx.addIssue({ code: "custom", path: ["password"], message: weak });
  });
export type SetupInput = z.infer<typeof setupSchema>;

export const acceptInviteSchema = z.object({
  name: personNameSchema,
  password: passwordSchema,
});
export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;

export const resetPasswordSchema = z.object({
  password: passwordSchema,
});
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;
