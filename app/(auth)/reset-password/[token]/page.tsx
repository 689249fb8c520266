import type { Metadata } from "next";
import { AuthCard, UnusableLinkCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { lookupPasswordReset } from "@/lib/orgs/password-reset";

export const metadata: Metadata = { title: "Set a new password" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await lookupPasswordReset(token);
  if (!found.ok) return <UnusableLinkCard title="This reset link cannot be used" reason={found.message} />;
  return (
    <AuthCard title="Set a new password" description={`For ${found.email}. The link works once; every other session of this account is signed out.`}>
      <ResetPasswordForm token={token} />
    </AuthCard>
  );
}
