// The audit log's filters as they live in the URL (so a filtered view can be shared) and as the
// API wants them. Times travel as ISO 8601 with the viewer's offset; the inputs show local time.
export type AuditFilters = {
  actor: string;
  action: string;
  /** ISO 8601 with offset, or "" */
  from: string;
  /** ISO 8601 with offset, or "" */
  to: string;
  environment: "" | "test" | "live";
};

export const EMPTY_FILTERS: AuditFilters = { actor: "", action: "", from: "", to: "", environment: "" };

const KEYS = ["actor", "action", "from", "to", "environment"] as const;

export function filtersFromSearchParams(params: { get(name: string): string | null }): AuditFilters {
  const env = params.get("environment");
  return {
    actor: params.get("actor") ?? "",
    action: params.get("action") ?? "",
    from: validIso(params.get("from")),
    to: validIso(params.get("to")),
    environment: env === "test" || env === "live" ? env : "",
  };
}

/** The filters that are set, as search params (shared by the page URL, the list and the export). */
export function filtersToSearchParams(f: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k].trim();
    if (v) p.set(k, v);
  }
  return p;
}

export function hasFilters(f: AuditFilters): boolean {
  return KEYS.some((k) => f[k].trim() !== "");
}

/** What the API accepts for `action`: lowercase, no spaces. */
export function normalizeAction(s: string): string {
  return s.trim().toLowerCase();
}

function validIso(s: string | null): string {
  return s && !Number.isNaN(Date.parse(s)) ? s : "";
}

function pad(n: number, width = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(width, "0");
}

/** `2026-11-25T10:05:00.000+01:00`: the local wall-clock time with the local offset. */
export function toIsoWithOffset(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/**
 * A datetime-local value ("2026-11-25T10:05") as ISO with offset. `end` makes the bound cover
 * the whole minute the input shows, so "To 10:05" includes an entry at 10:05:30.
 */
export function localInputToIso(value: string, { end = false } = {}): string {
  if (!value) return "";
  const d = new Date(value); // no offset in the string: parsed as local time
  if (Number.isNaN(d.getTime())) return "";
  if (end) d.setSeconds(59, 999);
  return toIsoWithOffset(d);
}

/** An ISO time as a datetime-local value in the viewer's time zone. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Actions and prefixes offered as suggestions in the Action filter. */
export const ACTION_SUGGESTIONS = [
  "organization.",
  "organization.renamed",
  "member.",
  "member.invited",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "invitation.",
  "credential.",
  "credential.created",
  "credential.revoked",
  "credential.secret_regenerated",
  "credential.grace_period_ended",
  "credential.quota_changed",
  "credential.locked_out",
  "credential.lockout_cleared",
  "organization.credential_policy_changed",
  "endpoint.",
  "event.",
  "inbound.",
];
