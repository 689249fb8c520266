// What the database and the rest of the stack can take: strings without NUL (PostgreSQL text
// refuses U+0000) and without lone surrogates (not encodable as UTF-8), JSON no deeper than
// MAX_JSON_DEPTH. The wrappers (withApi, withOAuthClient, the edge) check input against these
// once, so no route can turn such input into a 500.

/** Deeper JSON bodies are refused: nothing Gatehouse accepts nests anywhere near this. */
export const MAX_JSON_DEPTH = 64;

/** A string PostgreSQL can store and UTF-8 can encode. */
export function isStorableString(s: string): boolean {
  return !s.includes("\u0000") && s.isWellFormed();
}

/**
 * Why `value` (parsed JSON) cannot be accepted, or null when it can: too deep (`depth`), or a
 * key, string or number that cannot be stored (`value`, with the path of the value at fault, so
 * the caller can name the field). Iterative, so depth cannot overflow the stack here.
 */
export function jsonValueProblem(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
): { kind: "depth" | "value"; path: (string | number)[]; message: string } | null {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (!isStorableString(v)) return { kind: "value", path, message: "contains NUL or a lone surrogate (\\u0000, \\ud800-\\udfff)" };
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return { kind: "value", path, message: "is a number outside the range JSON numbers can carry (about ±1.8e308)" };
    } else if (v !== null && typeof v === "object") {
      if (path.length >= maxDepth) return { kind: "depth", path: [], message: `nested deeper than ${maxDepth} levels` };
      // Pushed last to first, so the first problem in document order is the one reported.
      const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        if (typeof k === "string" && !isStorableString(k)) return { kind: "value", path, message: "has a key with NUL or a lone surrogate" };
        stack.push([x, [...path, k]]);
      }
    }
  }
  return null;
}
