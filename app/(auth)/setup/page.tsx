import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { AuthCard } from "@/components/auth/auth-card";
import { needsSetup } from "@/lib/orgs/setup-first-admin";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (!(await needsSetup())) redirect("/sign-in");
  return (
    <AuthCard title="Welcome to Gatehouse" description="Create the first admin account and your organization.">
      <SetupForm />
    </AuthCard>
  );
}
