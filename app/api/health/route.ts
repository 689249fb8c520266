import { ensureDatabase } from "@/lib/db/client";

export const dynamic = "force-dynamic";

// GET /api/health: 200 once the database is open and migrated
export async function GET() {
  try {
    const d = await ensureDatabase();
    return Response.json({ status: "ok", database: d.kind }, { headers: { "cache-control": "no-store" } });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
