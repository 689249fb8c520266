// Route templates ("/settings/organization/credentials/[id]") for what the server answered, so
// logs and metrics name a bounded set of routes, never raw paths: a path can carry a secret
// (an invite token in /invite/<token>) and every distinct id would be a new metric series.
import { readdirSync } from "node:fs";
import path from "node:path";

export type RouteTemplates = { templateOf(pathname: string): string };

/** Every page and route handler under `appDir`, route groups dropped, as templates. */
export function findAppRouteTemplates(appDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(appDir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  const templates = new Set<string>();
  for (const f of files) {
    const base = path.basename(f);
    if (base !== "route.ts" && base !== "page.tsx") continue;
    const segs = path
      .dirname(f)
      .split(path.sep)
      .filter((s) => s && s !== "." && !/^\(.*\)$/.test(s));
    templates.add("/" + segs.join("/"));
  }
  return [...templates];
}

/** Matches paths against `templates`: static segments first, then dynamic, then catch-alls. */
export function compileRouteTemplates(templates: string[]): RouteTemplates {
  const rank = (t: string) => (t.includes("[...") ? 1000 : 0) + t.split("[").length;
  const compiled = [...templates].sort((a, b) => rank(a) - rank(b)).map((t) => ({ t, segs: t === "/" ? [""] : t.split("/").slice(1) }));
  return {
    templateOf(pathname) {
      if (pathname.startsWith("/_next/")) return pathname.startsWith("/_next/static/") ? "/_next/static" : "/_next";
      const parts = pathname === "/" ? [""] : pathname.split("/").slice(1);
      for (const { t, segs } of compiled) if (matches(segs, parts)) return t;
      return "(unmatched)";
    },
  };
}

function matches(segs: string[], parts: string[]): boolean {
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.startsWith("[...")) return parts.length > i;
    if (s.startsWith("[[...")) return true;
    if (i >= parts.length) return false;
    if (s.startsWith("[")) {
      if (!parts[i]) return false;
    } else if (s !== parts[i]) return false;
  }
  return segs.length === parts.length;
}
