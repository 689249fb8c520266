// The functions served at app/api/inngest/route.ts. One function per file in
// inngest/functions/; append each here.
import type { InngestFunction } from "inngest";

export const functions: InngestFunction.Any[] = [];
