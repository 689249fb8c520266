import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessFetch, registerInProcess } from "@/inngest/engine/in-process";

let server: http.Server;
let origin = "";
const overHttp: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    overHttp.push(req.url ?? "");
    res.end("over http");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("inProcessFetch", () => {
  it("hands a request for a registered URL to its handler, with method, headers and bytes intact", async () => {
    const seen: Request[] = [];
    const unregister = registerInProcess(`${origin}/api/inngest`, async (req) => {
      seen.push(req);
      return new Response(`got ${await req.text()}`, { status: 206 });
    });
    try {
      const res = await inProcessFetch(`${origin}/api/inngest?fnId=a&stepId=step`, {
        method: "POST",
        headers: { "x-inngest-signature": "t=1&s=abc" },
        body: '{"a":1}',
      });
      expect(res.status).toBe(206);
      expect(await res.text()).toBe('got {"a":1}');
      expect(seen[0]!.method).toBe("POST");
      expect(seen[0]!.headers.get("x-inngest-signature")).toBe("t=1&s=abc");
      expect(new URL(seen[0]!.url).searchParams.get("fnId")).toBe("a");
      expect(overHttp).toEqual([]);
    } finally {
      unregister();
    }
  });

  it("sends anything else over HTTP, including a registered prefix's look-alikes and unregistered URLs", async () => {
    const unregister = registerInProcess(`${origin}/api/inngest`, async () => new Response("in process"));
    try {
      expect(await (await inProcessFetch(`${origin}/api/inngest-other`)).text()).toBe("over http");
    } finally {
      unregister();
    }
    expect(await (await inProcessFetch(`${origin}/api/inngest`)).text()).toBe("over http");
    expect(overHttp).toEqual(["/api/inngest-other", "/api/inngest"]);
  });

  it("rejects with the abort reason when the caller aborts, like fetch", async () => {
    const unregister = registerInProcess(`${origin}/slow`, () => new Promise<Response>(() => {}));
    try {
      const abort = new AbortController();
      const pending = inProcessFetch(`${origin}/slow`, { signal: abort.signal });
      abort.abort("timeout");
      await expect(pending).rejects.toBe("timeout");
    } finally {
      unregister();
    }
  });
});
