// Shared by the tests/security files: a real org, a real credential and a bearer token from the
// real token endpoint of a route server.
import { db } from "@/lib/db/client";

export { bearerFor, clientFor, systemCtx } from "@/tests/helpers/tokens";

export async function newOrg(name = "Acme"): Promise<string> {
  return (await db.organization.create({ data: { name } })).id;
}
