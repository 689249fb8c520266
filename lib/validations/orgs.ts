import { z } from "zod";
import { emailSchema, orgNameSchema } from "@/lib/validations/auth";

export const roleSchema = z.enum(["owner", "admin", "developer", "viewer"]).describe("Member role");

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string().describe("ISO 8601"),
});
export const updateOrganizationSchema = z.strictObject({ name: orgNameSchema });

export const retentionInputSchema = z.strictObject({
  retention_days: z
    .number({ error: "must be a whole number of days, or null for the server's default" })
    .int("must be a whole number of days")
    .min(1, "at least 1 day")
    .max(3650, "at most 3650 days")
    .nullable()
    .describe("Days to keep events, deliveries (with their attempts) and inbound messages; null: the server's default"),
});
export type RetentionInput = z.infer<typeof retentionInputSchema>;

export const retentionSchema = z.object({
  retention_days: z.number().int().nullable().describe("The organization's own setting; null: the server's default applies"),
  effective_days: z.number().int().describe("What applies now"),
  server_default_days: z.number().int().describe("GATEHOUSE_RETENTION_DAYS"),
});
export type RetentionView = z.infer<typeof retentionSchema>;

export const memberSchema = z.object({
  id: z.string().describe("Membership id"),
  user_id: z.string(),
  name: z.string().nullable(),
  email: z.string(),
  role: roleSchema,
  created_at: z.string(),
});
export type MemberView = z.infer<typeof memberSchema>;

export const updateMemberSchema = z.strictObject({ role: roleSchema });

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(["pending", "accepted", "revoked", "expired"]),
  expires_at: z.string(),
  created_at: z.string(),
  invite_url: z.string().optional().describe("Only in the response that creates the invitation"),
});
export type InvitationView = z.infer<typeof invitationSchema>;

export const createInvitationSchema = z.strictObject({
  email: emailSchema,
  role: roleSchema.default("developer"),
});
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

export const passwordResetSchema = z.object({
  email: z.string().describe("The member's email"),
  reset_url: z.string().describe("The one-time link (shown in this response only): it sets a new password once, within 24 hours"),
  expires_at: z.string().describe("When the link stops working (ISO 8601)"),
});
export type PasswordResetView = z.infer<typeof passwordResetSchema>;
