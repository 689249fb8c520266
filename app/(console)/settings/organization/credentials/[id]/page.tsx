import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { signInPath } from "@/lib/auth/sign-in-redirect";
import { CredentialDetailView } from "@/components/credentials/credential-detail";
import { InOtherModePanel } from "@/components/layout/not-found-panel";
import { AppError } from "@/lib/api/errors";
import { getConsoleContext } from "@/lib/auth/session";
import { getCredentialDetail } from "@/lib/credentials/manage-credentials";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Credential" };

export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await getConsoleContext();
  if (!ctx) redirect(await signInPath());
  // Loaded here so an unknown id (or one of another org or environment) is a real 404.
  const detail = await getCredentialDetail({ orgId: ctx.org.id, environment: ctx.environment, id }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
  if (!detail) {
    // A link to the other mode's credential (shared, or the mode switched on this page): offer to switch.
    const other = ctx.environment === "live" ? "test" : "live";
    const there = await getCredentialDetail({ orgId: ctx.org.id, environment: other, id }).catch(() => null);
    if (there) return <InOtherModePanel what="credential" mode={other} />;
    notFound();
  }
  return (
    <div className="grid gap-6">
      <Link
        href="/settings/organization/credentials"
        className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to credentials
      </Link>
      <CredentialDetailView
        key={`${ctx.org.id}:${ctx.environment}:${detail.id}`}
        scoping={{ orgId: ctx.org.id, environment: ctx.environment }}
        initial={detail}
        canManage={hasRole(ctx.role, "admin")}
      />
    </div>
  );
}
