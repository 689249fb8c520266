// Deliveries under stress, finding 4: the audit export with a bearer token was fully buffered by
// the lean layer (250k rows: 11.6 s to the first byte, 1.58 GB). Through the same edge and adapter
// as `npm start`'s lean layer (tests/helpers/route-server.ts), an export of ~1 MB goes out
// chunked as it is produced (no Content-Length: the adapter did not hold the whole body first),
// and what arrives is the whole export, for JSON and CSV alike.
import { afterAll, beforeAll, expect, it } from "vitest";
import { request } from "node:http";
import { db } from "@/lib/db/client";
import { API_ROUTES } from "@/tests/helpers/api-routes";
import { serveRoutes } from "@/tests/helpers/route-server";
import { bearerFor } from "@/tests/helpers/tokens";

const ROWS = 500;
let server: Awaited<ReturnType<typeof serveRoutes>>;
let token: string;

beforeAll(async () => {
  server = await serveRoutes(API_ROUTES);
  const orgId = (await db.organization.create({ data: { name: "Export" } })).id;
  // ~2 KB each: the export is far past the size the adapter sends whole (64 KiB).
  await db.auditEvent.createMany({
    data: Array.from({ length: ROWS }, (_, i) => ({
      orgId, environment: "test" as const, actorType: "system" as const, actorLabel: "test", action: "endpoint.updated",
      targetType: "endpoint", targetId: `ep_${i}`, after: { note: "x".repeat(2000), i }, hash: `h${i}`,
    })),
  });
  token = await bearerFor(server.origin, orgId, ["audit:read"], "test", "exporter");
}, 180_000);
afterAll(() => server?.close());

/** The raw response: headers as sent, and the body. */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${server.origin}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

it.each(["json", "csv"])("an export with a bearer token (%s) is streamed, not buffered whole", async (format) => {
  const res = await get(`/api/v1/audit-events/export?format=${format}`);
  expect(res.status).toBe(200);
  expect(res.headers["content-length"]).toBeUndefined();
  expect(res.headers["transfer-encoding"]).toBe("chunked");
  expect(res.body.length).toBeGreaterThan(ROWS * 2000);
  const total = await db.auditEvent.count(); // the rows above and the credential's own entry
  if (format === "json") expect((JSON.parse(res.body) as unknown[]).length).toBe(total);
  else expect(res.body.trimEnd().split("\r\n").length).toBe(total + 1); // header + rows (no line breaks inside these cells)
}, 60_000);
