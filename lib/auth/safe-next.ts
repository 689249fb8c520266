// The one rule for where to go after signing in (`?next=`, Auth.js's callbackUrl): a path on this
// origin, judged after parsing the way a browser parses it. Browsers drop tabs and newlines from
// URLs and read "\" as "/", so "/\evil.example" and "/\t/evil.example" are really
// "//evil.example", another origin; the rule therefore refuses them before parsing, and refuses
// anything that after parsing is not a same-origin path.
export const CONSOLE_HOME = "/settings/organization/general";

/** The request header through which proxy.ts tells a console page its own path and query. */
export const PATH_HEADER = "x-gatehouse-path";

/** Where to send a signed-out visitor of `path`: the sign-in page, with `next` when it is safe. */
export function signInPathFor(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return next && next !== "/sign-in" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}

// A placeholder origin: only whether the value stays on it matters.
const BASE = "http://gatehouse.invalid";

/** `next` as a same-origin path (path, query and fragment), or null when it is anything else. */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return null;
  // Only paths: no scheme, no scheme-relative "//host", no control characters, no backslashes.
  if (next[0] !== "/" || /[\u0000-\u0020\u007f-\u009f\\]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = url.pathname + url.search + url.hash;
  // "/.//evil.example" normalises to "//evil.example": a path that would leave the origin.
  if (!path.startsWith("/") || path.startsWith("//")) return null;
  return path;
}

/** For Auth.js's redirect callback: `url` if it is on `baseUrl`'s origin, else the console home. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let target: URL;
  try {
    target = new URL(url, base);
  } catch {
    return new URL(CONSOLE_HOME, base).href;
  }
  if (target.origin !== base.origin) return new URL(CONSOLE_HOME, base).href;
  const path = safeNextPath(target.pathname + target.search + target.hash);
  return new URL(path ?? CONSOLE_HOME, base).href;
}
