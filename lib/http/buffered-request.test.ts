// BufferedRequest must read like `new Request(url, { body })` to a route handler.
import { describe, expect, it } from "vitest";
import { BufferedRequest } from "@/lib/http/buffered-request";

const body = '{"name":"wörld"}';
const make = (b = body) =>
  new BufferedRequest("http://127.0.0.1/x?y=1", { method: "POST", headers: [["Content-Type", "application/json"], ["X-A", "1"]] }, Buffer.from(b));

describe("BufferedRequest", () => {
  it("is a Request with the method, url, headers and body it was given", async () => {
    const r = make();
    expect(r).toBeInstanceOf(Request);
    expect(r.method).toBe("POST");
    expect(new URL(r.url).searchParams.get("y")).toBe("1");
    expect(r.headers.get("x-a")).toBe("1");
    expect(r.signal.aborted).toBe(false);
    expect(r.bodyUsed).toBe(false);
    expect(await r.json()).toEqual({ name: "wörld" });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
    expect(r.body?.locked).toBe(true);
  });

  it("streams its body for readers of `body`", async () => {
    const r = make();
    expect(await new Response(r.body).text()).toBe(body);
    expect(r.bodyUsed).toBe(true);
    expect(r.takeBuffer()).toBeUndefined();
  });

  it("reads as bytes, arrayBuffer, blob and form data like a plain Request", async () => {
    expect(new TextDecoder().decode(await make().arrayBuffer())).toBe(body);
    expect(new TextDecoder().decode(await make().bytes())).toBe(body);
    const blob = await make().blob();
    expect(blob.type).toBe("application/json");
    expect(await blob.text()).toBe(body);
    const form = new BufferedRequest("http://127.0.0.1/", { method: "POST", headers: [["content-type", "application/x-www-form-urlencoded"]] }, Buffer.from("a=1&b=2"));
    expect((await form.formData()).get("b")).toBe("2");
  });

  it("drops a leading BOM in text(), as Body.text() does", async () => {
    const withBom = "\uFEFFhello";
    expect(await make(withBom).text()).toBe(await new Request("http://x/", { method: "POST", body: withBom }).text());
  });

  it("clones, and each copy reads the body once", async () => {
    const r = make();
    const c = r.clone();
    expect(c.headers.get("content-type")).toBe("application/json");
    expect(await c.text()).toBe(body);
    expect(await r.text()).toBe(body);
    expect(() => r.clone()).toThrow(TypeError);
  });

  it("gives its buffer to one reader only", async () => {
    const r = make();
    expect(r.takeBuffer()?.toString()).toBe(body);
    expect(r.takeBuffer()).toBeUndefined();
    await expect(r.text()).rejects.toThrow(TypeError);
  });
});
