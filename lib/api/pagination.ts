// Cursor pagination: `limit` and an opaque `cursor`; lists answer `{ data, next_cursor }`.
import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { jsonValueProblem } from "@/lib/http/well-formed";

export const paginationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25).describe("Items per page (1 to 100, default 25)"),
  cursor: z.string().max(200).optional().describe("The `next_cursor` of the previous page"),
});

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

// A cursor's timestamp fields (`at`, `createdAt`, any `…At`) are what encodeCursor got from
// Date#toISOString(); nothing else may reach a query as a date.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * The cursor's contents checked against `schema`; 422 for anything encodeCursor did not make
 * (bad base64 or JSON, a field of the wrong type, an impossible timestamp, NUL or a lone surrogate).
 */
export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!cursor) return undefined;
  const bad = () =>
    new AppError("validation_failed", "cursor: not a cursor this API returned", {
      errors: [{ field: "cursor", message: "not a cursor this API returned" }],
    });
  let value: T;
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (jsonValueProblem(raw, 4)) throw bad();
    value = schema.parse(raw);
  } catch {
    throw bad();
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if ((k === "at" || k.endsWith("At")) && typeof v === "string" && (!ISO_TIME.test(v) || Number.isNaN(Date.parse(v)))) throw bad();
    }
  }
  return value;
}

/** Fetch limit+1 rows; this trims to `limit` and builds the next cursor from the last row kept. */
export function paginate<T, R>(rows: T[], limit: number, cursorOf: (row: T) => unknown, view: (row: T) => R) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(view),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  });
}

const offsetCursor = z.strictObject({ offset: z.number().int().min(0).max(1_000_000) });

/** `limit` and `cursor` of a short list (members, invitations, scopes, sessions): without `limit`, the whole list. */
export const shortListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional().describe("Items per page (1 to 100); without it, the whole list"),
  cursor: paginationQuery.shape.cursor,
});

/**
 * A page of a short list the domain returns whole: the same `limit` and `cursor` as every other
 * list (the cursor holds an offset).
 */
export function pageOfAll<T, R>(all: T[], q: { limit?: number; cursor?: string }, view: (row: T) => R) {
  const start = decodeCursor(q.cursor, offsetCursor)?.offset ?? 0;
  const end = q.limit === undefined ? all.length : start + q.limit;
  return {
    data: all.slice(start, end).map(view),
    next_cursor: all.length > end ? encodeCursor({ offset: end }) : null,
  };
}
