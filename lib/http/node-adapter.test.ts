// The lean layer's adapter over real HTTP on loopback: errors go through the one problem mapper.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { request } from "node:http";
import { json } from "@/lib/api/with-api";
import { MAX_BUFFERED_BODY } from "@/lib/http/node-adapter";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
const stream = { produced: 0, cancelled: false };
beforeAll(async () => {
  server = await serveRoutes({
    "/echo/[id]": {
      POST: async (req: Request, ctx: { params: Promise<Record<string, string>> }) =>
        Response.json({ id: (await ctx.params).id, body: await req.text(), ip: req.headers.get("x-forwarded-for") }),
    },
    "/stream": {
      // 400 chunks of 64 KiB (25 MiB), each made only when the reader asks for it.
      GET: async () => {
        stream.produced = 0;
        stream.cancelled = false;
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (stream.produced === 400) return controller.close();
              stream.produced++;
              controller.enqueue(chunk);
            },
            cancel() {
              stream.cancelled = true;
            },
          }),
          { headers: { "content-type": "application/octet-stream" } },
        );
      },
    },
    "/json": {
      GET: async () => json({ hello: "wörld" }, { headers: { "x-a": "1" } }),
    },
    "/plain": {
      GET: async () => new Response("plain body", { status: 202, headers: { "set-cookie": "a=1" } }),
    },
    "/boom": {
      GET: async () => {
        throw new Error("secret detail db password=hunter2");
      },
      // Throws after reading the whole body (as the Inngest SDK does on a body that is not JSON).
      POST: async (req: Request) => {
        await req.text();
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

  it("sends a handler's JSON with its headers and a Content-Length, not chunked", async () => {
    const r = await rawGet(`${server.origin}/json`);
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ hello: "wörld" }))));
    expect(r.headers["transfer-encoding"]).toBeUndefined();
    expect(r.headers["x-a"]).toBe("1");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({ hello: "wörld" });
  });

  it("streams a large body as it is produced, and stops producing when the client goes away", async () => {
    const first = await new Promise<{ producedAtFirstByte: number; total: number; headers: import("node:http").IncomingHttpHeaders }>((resolve, reject) => {
      request(`${server.origin}/stream`, (res) => {
        let producedAtFirstByte = -1;
        let total = 0;
        res.on("data", (c: Buffer) => {
          if (producedAtFirstByte < 0) producedAtFirstByte = stream.produced;
          total += c.length;
        });
        res.on("end", () => resolve({ producedAtFirstByte, total, headers: res.headers }));
      })
        .on("error", reject)
        .end();
    });
    expect(first.total).toBe(400 * 64 * 1024);
    expect(first.producedAtFirstByte).toBeLessThan(300); // the first bytes left long before the body was made (buffered: 400)
    expect(first.headers["content-length"]).toBeUndefined();
    expect(first.headers["transfer-encoding"]).toBe("chunked");

    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.origin}/stream`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      }).on("error", () => {});
      req.on("error", reject);
      req.end();
    });
    // The server sees the client gone when its next write fails: wait for that, bounded, then count.
    await vi.waitFor(() => expect(stream.cancelled).toBe(true), { timeout: 10_000, interval: 20 });
    expect(stream.produced).toBeLessThan(400);
  });

  it("sends a plain Response's body, status and cookies", async () => {
    const r = await rawGet(`${server.origin}/plain`);
    expect(r.status).toBe(202);
    expect(r.body).toBe("plain body");
    expect(r.headers["content-length"]).toBe("10");
    expect(r.headers["set-cookie"]).toEqual(["a=1"]);
  });

  it("answers a thrown error with a 500 problem that leaks nothing", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await fetch(`${server.origin}/boom`);
    // The same after the handler read the whole body (the request stream has ended: not a client gone away).
    const afterBody = await fetch(`${server.origin}/boom`, { method: "POST", body: "{nope" });
    log.mockRestore();
    for (const res of [r, afterBody]) {
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.text()).not.toContain("hunter2");
    }
  });

  it("refuses a body over its buffer limit with 413 problem+json", async () => {
    const r = await fetch(`${server.origin}/echo/x`, { method: "POST", body: Buffer.alloc(MAX_BUFFERED_BODY + 1) });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ status: 413 });
  });
});

function rawGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    })
      .on("error", reject)
      .end();
  });
}
