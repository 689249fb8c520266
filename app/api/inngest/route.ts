import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";
import { refuseNonJson, serveSecurity } from "@/inngest/serve-options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handlers = serve({ client: inngest, functions, ...serveSecurity() });

// GET/POST/PUT /api/inngest: the Inngest serve endpoint (embedded executor, Cloud or `inngest start`)
export const GET = handlers.GET;
export const POST = refuseNonJson(handlers.POST);
export const PUT = refuseNonJson(handlers.PUT);
