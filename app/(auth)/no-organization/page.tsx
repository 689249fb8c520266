import { signOutAction } from "@/lib/actions/auth";
import { Button } from "@/components/ui/button";
import { AuthCard } from "@/components/auth/auth-card";

export const dynamic = "force-dynamic";

export default function NoOrganizationPage() {
  return (
    <AuthCard title="No organization" description="Your account is not a member of any organization anymore. Ask an admin for a new invite link.">
      <form action={signOutAction}>
        <Button type="submit" variant="outline">
          Sign out
        </Button>
      </form>
    </AuthCard>
  );
}
