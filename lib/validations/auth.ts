import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address" }))
  .describe("Email address, used to sign in");

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters")
  .describe("Password (10 to 200 characters)");

export const personNameSchema = z.string().trim().min(1, "Enter your name").max(100).describe("Display name");

export const orgNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters")
  .max(80, "Use at most 80 characters")
  .describe("Organization name");

export const setupSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
  orgName: orgNameSchema,
});
export type SetupInput = z.infer<typeof setupSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(200),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const acceptInviteSchema = z.object({
  name: personNameSchema,
  password: passwordSchema,
});
export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;
