// `npm run client:generate`: writes clients/typescript/openapi.d.ts, the types of the typed API
// client, with openapi-typescript from the OpenAPI document: the one a running server serves
// (`npm run client:generate -- http://localhost:3000/api/v1/openapi.json`), or by default the
// one lib/api/openapi.ts builds (the same document). tests/api-typed-client.test.ts fails when the
// committed file differs from what the served document generates.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { generateClientTypes } from "@/clients/typescript/generate";

const url = process.argv[2];
const doc = url ? await (await fetch(url)).json() : (await import("@/lib/api/openapi")).openApiDocument(undefined);
const out = path.resolve(import.meta.dirname, "../clients/typescript/openapi.d.ts");
writeFileSync(out, await generateClientTypes(doc));
console.log(`[client:generate] wrote ${path.relative(process.cwd(), out)} from ${url ?? "lib/api/openapi.ts"}`);
