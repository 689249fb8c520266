// Cursor pagination: `limit` and an opaque `cursor`; lists answer `{ data, next_cursor }`.
import { z } from "zod";
import { AppError } from "@/lib/api/errors";

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).describe("Items per page (1 to 100, default 25)"),
  cursor: z.string().max(200).optional().describe("The `next_cursor` of the previous page"),
});

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!cursor) return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("validation_failed", "cursor: not a cursor this API returned", {
      errors: [{ field: "cursor", message: "not a cursor this API returned" }],
    });
  }
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
