// Formatting for the audit log (times: components/ui/time-format.ts).
/** Pretty JSON for before/after blocks; null when there is nothing to show. */
export function prettyJson(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return JSON.stringify(v, null, 2);
}

export type FieldChange = { key: string; before: string; after: string };

/** Top-level fields whose value differs between before and after (the "diff" summary). */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  if (!isRecord(before) && !isRecord(after)) return [];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ key: k, before: show(b[k]), after: show(a[k]) }));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return "(none)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The system's monospace fonts instead of Geist Mono, for the monospace text the Audit log shows
 * with the page (the head hash, the action codes, IPs, the Action filter). Any Geist Mono text
 * in the first view makes the browser fetch its 70 KB file before the first paint, and on a
 * slow phone that file competes with the page's scripts (issue 14: Lighthouse mobile counts it
 * into the largest paint). Geist Mono still shows in an entry's detail dialog; the fallback
 * list is the one Geist Mono itself falls back to (app/globals.css, --font-mono).
 */
export const SYSTEM_MONO = "font-[family-name:ui-monospace,SFMono-Regular,Menlo,Monaco,Consolas,'Liberation_Mono',monospace]";
