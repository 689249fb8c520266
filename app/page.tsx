import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { needsSetup } from "@/lib/orgs/setup-first-admin";

export const dynamic = "force-dynamic";

// The front door: first run → setup; signed out → sign in; otherwise the organization settings.
export default async function Home() {
  if (await needsSetup()) redirect("/setup");
  if (!(await getSessionUser())) redirect("/sign-in");
  redirect("/settings/organization/general");
}
