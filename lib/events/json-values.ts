// What an event's data is once stored (jsonb) and read back: numbers that JSON cannot carry are
// refused up front instead of being turned into null, and two payloads are the same event when
// they are the same JSON value (so a byte-identical resend containing -0 matches the stored 0).
import { formatFieldPath, type FieldError } from "@/lib/api/errors";

/**
 * Field errors for numbers that would not survive storage: 1e400 parses as Infinity and would be
 * stored as null. (The API's wrapper refuses them too; this covers every other way in.)
 */
export function unrepresentableNumbers(value: unknown, path: (string | number)[] = ["data"], out: FieldError[] = [], max = 10): FieldError[] {
  if (out.length >= max) return out;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push({ field: formatFieldPath(path), message: "is a number outside the range JSON numbers can carry (about ±1.8e308)" });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unrepresentableNumbers(v, [...path, i], out, max));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) unrepresentableNumbers(v, [...path, k], out, max);
  }
  return out;
}

/** The same JSON value: key order ignored, numbers compared by value (-0 equals 0). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true; // also -0 === 0
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  if (ka.length !== Object.keys(bo).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameJson((a as Record<string, unknown>)[k], bo[k]));
}
