// Console pages learn their own path from this header, so that a signed-out visitor is sent to
// /sign-in?next=<that path> and comes back to it (server components cannot read their URL).
// The value is only ever used through safeNextPath (lib/auth/safe-next.ts).
import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "@/lib/auth/safe-next";

export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/settings/:path*"] };
