import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { PageHeader } from "@/components/layout/page-header";
import { InvitationsTable } from "@/components/members/invitations-table";
import { InviteMemberDialog } from "@/components/members/invite-member-dialog";
import { MembersTable } from "@/components/members/members-table";
import { getConsoleContext } from "@/lib/auth/session";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  const canManage = hasRole(ctx.role, "admin");
  return (
    <div className="grid gap-8">
      <PageHeader
        title="Members"
        description={
          canManage
            ? "Invite people to this organization, change what they can do, or remove them."
            : "People in this organization. Admins and owners invite, change roles and remove members."
        }
        actions={canManage ? <InviteMemberDialog key={ctx.org.id} orgId={ctx.org.id} actorRole={ctx.role} /> : null}
      />
      <section aria-labelledby="members-heading" className="grid gap-3">
        <h2 id="members-heading" className="text-lg font-semibold">
          People
        </h2>
        <MembersTable
          key={ctx.org.id}
          orgId={ctx.org.id}
          orgName={ctx.org.name}
          currentUserId={ctx.user.id}
          actorRole={ctx.role}
        />
      </section>
      {canManage ? (
        <section aria-labelledby="invitations-heading" className="grid gap-3">
          <div className="grid gap-1">
            <h2 id="invitations-heading" className="text-lg font-semibold">
              Pending invitations
            </h2>
            <p className="text-sm text-muted-foreground">
              Links that have not been used yet. Each works once and expires 7 days after it was made.
            </p>
          </div>
          <InvitationsTable key={ctx.org.id} orgId={ctx.org.id} />
        </section>
      ) : null}
    </div>
  );
}
