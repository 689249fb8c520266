// TextResponse must be indistinguishable from `new Response(string)` to whoever reads it
// (Next.js pipes `body`; withApi clones for idempotency; tests call json()).
import { describe, expect, it } from "vitest";
import { TextResponse } from "@/lib/api/text-response";

const make = () => new TextResponse('{"a":1}', { status: 201, headers: { "content-type": "application/json", "x-k": "v" } });

describe("TextResponse", () => {
  it("is a Response with the status, headers and body it was given", async () => {
    const r = make();
    expect(r).toBeInstanceOf(Response);
    expect(r.status).toBe(201);
    expect(r.ok).toBe(true);
    expect(r.headers.get("x-k")).toBe("v");
    expect(r.bodyUsed).toBe(false);
    expect(await r.json()).toEqual({ a: 1 });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
  });

  it("streams its body for readers of `body`, as Next.js does", async () => {
    const r = make();
    const text = await new Response(r.body).text();
    expect(text).toBe('{"a":1}');
    expect(r.bodyUsed).toBe(true);
    expect(r.takeText()).toBeUndefined();
  });

  it("clones, and each copy reads the body once", async () => {
    const r = make();
    const c = r.clone();
    expect(c.status).toBe(201);
    expect(c.headers.get("content-type")).toBe("application/json");
    expect(await c.text()).toBe('{"a":1}');
    expect(await r.text()).toBe('{"a":1}');
    expect(() => r.clone()).toThrow(TypeError);
  });

  it("gives its string to the adapter once, and then reads as used", async () => {
    const r = make();
    expect(r.takeText()).toBe('{"a":1}');
    expect(r.takeText()).toBeUndefined();
    expect(r.bodyUsed).toBe(true);
    expect(r.body?.locked).toBe(true);
    await expect(r.json()).rejects.toThrow(TypeError);
  });

  it("reads as bytes and arrayBuffer like a plain Response", async () => {
    expect(new TextDecoder().decode(await make().arrayBuffer())).toBe('{"a":1}');
    expect(Array.from(await make().bytes())).toEqual(Array.from(new TextEncoder().encode('{"a":1}')));
  });

  it("defaults the content type and refuses a body on a null-body status, as Response does", () => {
    expect(new TextResponse("x").headers.get("content-type")).toBe(new Response("x").headers.get("content-type"));
    expect(() => new Response("x", { status: 204 })).toThrow(TypeError);
    expect(() => new TextResponse("x", { status: 204 })).toThrow(TypeError);
  });
});
