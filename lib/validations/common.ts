import { z } from "zod";

/** The body of an operation that takes none: nothing, `{}`, or `null`; any field is refused by name. */
export const emptyBodySchema = z.strictObject({}).describe("No fields");
