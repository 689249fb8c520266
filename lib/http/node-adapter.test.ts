// The lean layer's adapter over real HTTP on loopback: errors go through the one problem mapper.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_BUFFERED_BODY } from "@/lib/http/node-adapter";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  server = await serveRoutes({
    "/echo/[id]": {
      POST: async (req: Request, ctx: { params: Promise<Record<string, string>> }) =>
        Response.json({ id: (await ctx.params).id, body: await req.text(), ip: req.headers.get("x-forwarded-for") }),
    },
    "/boom": {
      GET: async () => {
        throw new Error("secret detail db password=hunter2");
      },
    },
  });
});
afterAll(() => server.close());

describe("the Node adapter", () => {
  it("passes params, the body and the client's address to the handler", async () => {
    const r = await fetch(`${server.origin}/echo/a%20b`, { method: "POST", body: "hello" });
    expect(await r.json()).toEqual({ id: "a b", body: "hello", ip: "127.0.0.1" });
  });

  it("answers a thrown error with a 500 problem that leaks nothing", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await fetch(`${server.origin}/boom`);
    log.mockRestore();
    expect(r.status).toBe(500);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(await r.text()).not.toContain("hunter2");
  });

  it("refuses a body over its buffer limit with 413 problem+json", async () => {
    const r = await fetch(`${server.origin}/echo/x`, { method: "POST", body: Buffer.alloc(MAX_BUFFERED_BODY + 1) });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ status: 413 });
  });
});
