import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";
import { serveSecurity } from "@/inngest/serve-options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET/POST/PUT /api/inngest: the Inngest serve endpoint (embedded executor, Cloud or `inngest start`)
export const { GET, POST, PUT } = serve({ client: inngest, functions, ...serveSecurity() });
