// Finding 5: pre-auth memory. The lean layer buffered up to 8 MiB of any body before
// authentication and before the route's own limit, and a 1 byte/s body kept its connection
// (and buffer) for minutes. Now each route's limit holds while reading (a too-large
// Content-Length is refused before any of the body is read) and the server has header and
// request timeouts. These run through the lean layer's adapter and edge server (route-server).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import * as token from "@/app/oauth/token/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as receive from "@/app/in/[id]/route";
import { serveRoutes } from "@/tests/helpers/route-server";

let server: Awaited<ReturnType<typeof serveRoutes>>;
const TIMEOUTS = { requestTimeoutMs: 1500, headersTimeoutMs: 1000 };

beforeAll(async () => {
  server = await serveRoutes({ "/oauth/token": token, "/api/v1/endpoints": endpoints, "/in/[id]": receive }, { timeouts: TIMEOUTS });
});
afterAll(() => server.close());

/** Opens a raw connection and writes `head`; resolves with what the server sent once it closes (or after `giveUpMs`). */
function rawRequest(head: string, opts: { trickle?: boolean; giveUpMs: number }) {
  const port = Number(new URL(server.origin).port);
  return new Promise<{ closedAfterMs: number | null; response: string }>((resolve) => {
    const started = Date.now();
    const sock: Socket = connect(port, "127.0.0.1");
    let response = "";
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      sock.destroy();
      resolve({ closedAfterMs: null, response });
    }, opts.giveUpMs);
    sock.on("data", (d) => (response += d.toString("latin1")));
    sock.on("error", () => {});
    sock.on("close", () => {
      clearTimeout(giveUp);
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, response });
    });
    sock.write(head);
    // One byte every 100 ms, for as long as the server keeps listening (bounded by giveUpMs).
    if (opts.trickle) timer = setInterval(() => sock.writable && sock.write("a"), 100);
  });
}

describe("slow and oversized bodies", () => {
  it("a body trickling in at a few bytes a second is cut off by the request timeout", async () => {
    const head = "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n";
    const r = await rawRequest(head, { trickle: true, giveUpMs: 8000 });
    expect(r.closedAfterMs).not.toBeNull();
    expect(r.closedAfterMs!).toBeLessThan(5000);
  });

  it("headers trickling in are cut off by the headers timeout", async () => {
    const r = await rawRequest("GET /api/v1/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", { trickle: true, giveUpMs: 8000 });
    expect(r.closedAfterMs).not.toBeNull();
    expect(r.closedAfterMs!).toBeLessThan(5000);
  });

  it("an oversized Content-Length on /oauth/token gets 413 at once, before any of the body is sent", async () => {
    const head = "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n";
    const r = await rawRequest(head, { giveUpMs: 1000 }); // well under the request timeout
    expect(r.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.response.toLowerCase()).toContain("content-type: application/json");
    expect(r.response).toContain('"error":"invalid_request"');
  });

  it("an API route refuses a body over its own limit (64 KiB), not the adapter's 8 MiB, before authentication", async () => {
    const head = "POST /api/v1/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer nope\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n";
    const r = await rawRequest(head, { giveUpMs: 1000 });
    expect(r.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.response.toLowerCase()).toContain("content-type: application/problem+json");
  });

  it("an incoming-webhook URL stops reading a streamed (chunked) body at its 1 MiB limit, before looking up the webhook", async () => {
    // 3 MiB without a Content-Length, to a webhook that does not exist: the adapter used to hold
    // all of it (up to 8 MiB) before the route could answer 404.
    let sent = 0;
    const res = await fetch(`${server.origin}/in/iwh_does_not_exist`, {
      method: "POST",
      body: new ReadableStream({
        pull(c) {
          if (sent >= 3 * 1024 * 1024) return c.close();
          sent += 64 * 1024;
          c.enqueue(new Uint8Array(64 * 1024));
        },
      }),
      duplex: "half",
    } as RequestInit).catch((e: Error) => e);
    if (res instanceof Error) throw res;
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
