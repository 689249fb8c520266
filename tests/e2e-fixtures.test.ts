// The Playwright fixtures are test code other tests rely on, so they get tests of their own.
import { afterEach, describe, expect, it } from "vitest";
import { runCurl, shellWords } from "../e2e/fixtures/curl";
import { startReceiver, type Receiver } from "../e2e/receiver";

describe("shellWords", () => {
  it("splits quotes, escapes and continuations like a shell", () => {
    const cmd = `curl -X POST 'http://127.0.0.1:3100/oauth/token' \\\n  -u "gh_id:gsk_\\"x\\$y" \\\n  -d 'a=1&b=two words' -H Content-Type:\\ text/plain`;
    expect(shellWords(cmd)).toEqual([
      "curl", "-X", "POST", "http://127.0.0.1:3100/oauth/token",
      "-u", 'gh_id:gsk_"x$y', "-d", "a=1&b=two words", "-H", "Content-Type: text/plain",
    ]);
    expect(shellWords(`curl '' "" x`)).toEqual(["curl", "", "", "x"]);
    expect(shellWords(`curl -d '{"a":"$b"}' # trailing comment`)).toEqual(["curl", "-d", '{"a":"$b"}']);
  });

  it("refuses what only a shell could run faithfully", () => {
    for (const bad of [
      "curl http://127.0.0.1 | sh", "curl http://127.0.0.1; rm -rf x", "curl $URL", 'curl "$URL"',
      "curl $(id)", "curl `id`", "curl http://127.0.0.1 > out", "curl 'unterminated", 'curl "open', "curl ~/x",
    ]) {
      expect(() => shellWords(bad), bad).toThrow();
    }
  });
});

describe("receiver and runCurl", () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("records the exact request and answers as programmed", async () => {
    receiver = await startReceiver();
    receiver.respondWith((req, i) => ({ status: i === 0 ? 503 : 201, headers: { "x-seen": req.method }, body: `n=${i}` }));
    const first = await runCurl(`curl -X POST '${receiver.url}/hook?x=1' -H 'Content-Type: application/json' -d '{"a": 1}'`);
    expect(first).toMatchObject({ status: 503, body: "n=0" });
    const second = await runCurl(`curl ${receiver.url}/again`);
    expect(second.status).toBe(201);
    const got = await receiver.waitFor(2, 1000);
    expect(got[0]).toMatchObject({ method: "POST", path: "/hook?x=1", body: '{"a": 1}' });
    expect(got[0]!.headers["content-type"]).toBe("application/json");
    expect(got[0]!.rawBody.equals(Buffer.from('{"a": 1}'))).toBe(true);
    expect(got[1]).toMatchObject({ method: "GET", path: "/again" });
  });

  it("waitFor waits for late requests and times out with a clear message", async () => {
    receiver = await startReceiver();
    const waiting = receiver.waitFor(1, 5000);
    setTimeout(() => void fetch(receiver!.url + "/late", { method: "PUT", body: "x" }), 50);
    expect((await waiting)[0]).toMatchObject({ method: "PUT", body: "x" });
    await expect(receiver.waitFor(3, 100)).rejects.toThrow(/expected 3 request\(s\) within 100 ms, got 1/);
  });

  it("delays replies, so sender timeouts can be exercised, and still closes promptly", async () => {
    receiver = await startReceiver();
    receiver.respondWith(() => ({ status: 200, delayMs: 60_000 }));
    await expect(fetch(receiver.url, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const started = Date.now();
    await receiver.close();
    receiver = undefined;
    // Promptly: far below the 60 s reply delay it would otherwise wait for (loose for loaded CI).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("runCurl refuses anything but curl to loopback", async () => {
    await expect(async () => runCurl("curl https://example.com/")).rejects.toThrow(/non-loopback/);
    await expect(async () => runCurl("wget http://127.0.0.1/")).rejects.toThrow(/curl command/);
  });
});
