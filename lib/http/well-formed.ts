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
 * Why `value` (parsed JSON) cannot be accepted, or null when it can: too deep, or a key or
 * string with NUL or a lone surrogate. Iterative, so depth cannot overflow the stack here.
 */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string") {
      if (!isStorableString(v)) return "a string contains NUL or a lone surrogate (\\u0000, \\ud800-\\udfff)";
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return "a number is out of range";
    } else if (v !== null && typeof v === "object") {
      if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else
        for (const [k, x] of Object.entries(v)) {
          if (!isStorableString(k)) return "a key contains NUL or a lone surrogate";
          stack.push([x, depth + 1]);
        }
    }
  }
  return null;
}
