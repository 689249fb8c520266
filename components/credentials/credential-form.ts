// What the create and edit dialogs of a credential share: the fields both ask for and how the
// API's field errors land on them ("scopes[0]" → scopes, "expires_at" → the expiry date).
import { z } from "zod";
import { expiresOnRules } from "@/components/credentials/expiry-field";
import type { ApiFieldMapping } from "@/components/forms/api-field-errors";
import { createCredentialSchema } from "@/lib/validations/credentials";

export const credentialFormSchema = z.object({
  name: createCredentialSchema.shape.name,
  scopes: z.array(z.string()).min(1, "Pick at least one scope"),
  expires_on: z.string().refine(expiresOnRules.format, "Enter a date").refine(expiresOnRules.notPast, "Pick today or a later date"),
});
export type CredentialFormValues = z.infer<typeof credentialFormSchema>;

export const CREDENTIAL_API_FIELDS: ApiFieldMapping<CredentialFormValues> = {
  fields: ["name", "scopes"],
  rename: { expires_at: "expires_on" },
};
