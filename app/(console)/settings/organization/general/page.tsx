import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { CredentialPolicyForm } from "@/components/organization/credential-policy-form";
import { OrganizationForm } from "@/components/organization/organization-form";
import { RetentionForm } from "@/components/organization/retention-form";
import { PageHeader } from "@/components/layout/page-header";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "General" };

export default async function GeneralPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  return (
    <div className="grid gap-6">
      <PageHeader title="General" description="Your organization's name, identifiers, credential policy and data retention." />
      <OrganizationForm
        key={ctx.org.id}
        org={{ id: ctx.org.id, name: ctx.org.name }}
        canEdit={hasRole(ctx.role, "admin")}
      />
      <CredentialPolicyForm key={`policy-${ctx.org.id}`} orgId={ctx.org.id} canEdit={ctx.role === "owner"} />
      <RetentionForm key={`retention-${ctx.org.id}`} orgId={ctx.org.id} canEdit={ctx.role === "owner"} />
    </div>
  );
}
