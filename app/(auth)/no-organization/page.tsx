import { signOutAction } from "@/lib/actions/auth";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const dynamic = "force-dynamic";

export default function NoOrganizationPage() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1>No organization</h1>
        </CardTitle>
        <CardDescription>
          Your account is not a member of any organization anymore. Ask an admin for a new invite link.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form action={signOutAction}>
          <Button type="submit" variant="outline">
            Sign out
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
