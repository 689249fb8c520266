import { z } from "zod";
import { scopeNameSchema } from "@/lib/validations/credentials";

export const credentialPolicyInputSchema = z.strictObject({
  max_credential_lifetime_days: z
    .number()
    .int()
    .min(1, "at least 1 day")
    .max(3650, "at most 3650 days")
    .nullish()
    .describe("New credentials must expire within this many days; null: no rule"),
  allowed_scopes: z.array(scopeNameSchema).max(100).optional().describe("Scopes new credentials may have; empty or absent: any"),
  min_token_lifetime_seconds: z.number().int().min(300).max(86400).nullish().describe("Shortest token lifetime new credentials may have"),
  max_token_lifetime_seconds: z.number().int().min(300).max(86400).nullish().describe("Longest token lifetime new credentials may have"),
  developers_create_test_credentials: z.boolean().optional().describe("Developers may create credentials in test mode (default false)"),
});
export type CredentialPolicyInput = z.infer<typeof credentialPolicyInputSchema>;

export const credentialPolicySchema = z.object({
  max_credential_lifetime_days: z.number().int().nullable(),
  allowed_scopes: z.array(z.string()),
  min_token_lifetime_seconds: z.number().int().nullable(),
  max_token_lifetime_seconds: z.number().int().nullable(),
  developers_create_test_credentials: z.boolean(),
  violations: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        environment: z.enum(["test", "live"]),
        policies: z.array(z.string()).describe("The rules it breaks"),
        reasons: z.array(z.string()),
      }),
    )
    .describe("Active credentials that break the policy; listed, never changed"),
});
export type CredentialPolicyView = z.infer<typeof credentialPolicySchema>;
