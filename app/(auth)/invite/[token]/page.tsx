import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard, UnusableLinkCard } from "@/components/auth/auth-card";
import { AcceptInviteForm, JoinAsSignedInUser } from "@/components/auth/accept-invite-form";
import { Button } from "@/components/ui/button";
import { getSessionUser } from "@/lib/auth/session";
import { invitationProblem, lookupInvitation } from "@/lib/orgs/accept-invitation";

export const metadata: Metadata = { title: "Join organization" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await lookupInvitation(token);
  if (!found.ok) return <UnusableLinkCard title="This invite link cannot be used" reason={invitationProblem(found.reason)} />;
  const inv = found.invitation;
  const user = await getSessionUser();
  const path = `/invite/${encodeURIComponent(token)}`;
  return (
    <AuthCard
      title={`Join ${inv.orgName}`}
      description={`${inv.email} has been invited as ${inv.role === "admin" || inv.role === "owner" ? "an" : "a"} ${inv.role}.`}
    >
      {/* The same page whether or not the email has an account: it tells nobody which emails do. */}
      {user ? (
        <JoinAsSignedInUser token={token} signedInAs={user.email} invitedEmail={inv.email} returnTo={path} />
      ) : (
        <div className="grid gap-6">
          <AcceptInviteForm token={token} email={inv.email} />
          <div className="grid gap-2 border-t pt-4 text-sm">
            <p className="text-muted-foreground">Already have a Gatehouse account with this email?</p>
            <Button asChild variant="outline">
              <Link href={`/sign-in?next=${encodeURIComponent(path)}`}>Sign in to accept</Link>
            </Button>
          </div>
        </div>
      )}
    </AuthCard>
  );
}
