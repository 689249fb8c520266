import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInviteForm, JoinAsSignedInUser } from "@/components/auth/accept-invite-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getSessionUser } from "@/lib/auth/session";
import { invitationProblem, lookupInvitation } from "@/lib/orgs/accept-invitation";

export const metadata: Metadata = { title: "Join organization" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await lookupInvitation(token);
  if (!found.ok) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>
            <h1>This invite link cannot be used</h1>
          </CardTitle>
          <CardDescription role="alert">{invitationProblem(found.reason)}</CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild variant="outline">
            <Link href="/sign-in">Go to sign in</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }
  const inv = found.invitation;
  const user = await getSessionUser();
  const path = `/invite/${encodeURIComponent(token)}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Join {inv.orgName}</h1>
        </CardTitle>
        <CardDescription>
          {inv.email} has been invited as {inv.role === "admin" || inv.role === "owner" ? "an" : "a"} {inv.role}.
        </CardDescription>
      </CardHeader>
      <CardContent>
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
      </CardContent>
    </Card>
  );
}
