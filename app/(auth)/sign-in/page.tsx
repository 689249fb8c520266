import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { AuthCard } from "@/components/auth/auth-card";
import { CONSOLE_HOME, safeNextPath } from "@/lib/auth/safe-next";
import { getSessionUser } from "@/lib/auth/session";
import { needsSetup } from "@/lib/orgs/setup-first-admin";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await needsSetup()) redirect("/setup");
  const next = safeNextPath((await searchParams).next) ?? undefined;
  if (await getSessionUser()) redirect(next ?? CONSOLE_HOME);
  return (
    <AuthCard title="Sign in" description="Use the email and password of your Gatehouse account.">
      <SignInForm next={next} />
    </AuthCard>
  );
}
