import { AppError } from "@/lib/api/errors";
import { problemResponse } from "@/lib/api/problem-response";

function notFound(req: Request): Response {
  const path = new URL(req.url).pathname;
  return problemResponse(new AppError("not_found", `There is no ${path} in this API; see /api/v1/openapi.json.`), path);
}

// Any /api/v1 path no route has: 404 problem+json, not Next's HTML page
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
