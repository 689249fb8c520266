import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInviteForm } from "@/components/auth/accept-invite-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
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
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>Join {inv.orgName}</h1>
        </CardTitle>
        <CardDescription>
          You have been invited as {inv.role === "admin" || inv.role === "owner" ? "an" : "a"} {inv.role}.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <AcceptInviteForm token={token} email={inv.email} existingUser={found.existingUser} />
      </CardContent>
    </Card>
  );
}
