// The card every signed-out page is: a heading, a line under it, then its form or its actions.
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export function AuthCard({ title, description, alert, children }: { title: string; description: React.ReactNode; alert?: boolean; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>{title}</h1>
        </CardTitle>
        <CardDescription role={alert ? "alert" : undefined}>{description}</CardDescription>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

/** A one-time link (invite, password reset) that is expired, used or unknown: why, and the way out. */
export function UnusableLinkCard({ title, reason }: { title: string; reason: string }) {
  return (
    <AuthCard title={title} description={reason} alert>
      <Button asChild variant="outline">
        <Link href="/sign-in">Go to sign in</Link>
      </Button>
    </AuthCard>
  );
}
