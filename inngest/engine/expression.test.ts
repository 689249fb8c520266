import { describe, expect, it } from "vitest";
import { evaluate } from "@/inngest/engine/expression";

const event = { name: "app/x", data: { function_id: "gatehouse-deliver", n: 3, endpoint: { id: "ep_1" } } };

describe("expressions", () => {
  it("evaluates the SDK's onFailure trigger", () => {
    expect(evaluate("event.data.function_id == 'gatehouse-deliver'", { event })).toBe(true);
    expect(evaluate("event.data.function_id == 'gatehouse-other'", { event })).toBe(false);
  });
  it("reads paths, compares, combines and concatenates", () => {
    expect(evaluate("event.data.endpoint.id", { event })).toBe("ep_1");
    expect(evaluate("event.data.missing.deeper", { event })).toBeNull();
    expect(evaluate('event.data.n > 2 && !(event.name != "app/x")', { event })).toBe(true);
    expect(evaluate("event.data.n < 2 || event.data.n >= 3", { event })).toBe(true);
    expect(evaluate("event.name + '-' + event.data.endpoint.id", { event })).toBe("app/x-ep_1");
  });
  it("throws on what it does not understand instead of matching, every time it is asked", () => {
    for (let i = 0; i < 2; i++) {
      expect(() => evaluate("event.data.list.exists(x, x > 1)", { event })).toThrow();
      expect(() => evaluate("event.data.n ==", { event })).toThrow();
    }
  });
  it("parses a source once and evaluates it against each event's own values", () => {
    const src = "event.data.endpoint.id + ':' + event.data.n";
    expect(evaluate(src, { event })).toBe("ep_1:3");
    expect(evaluate(src, { event: { data: { endpoint: { id: "ep_2" }, n: 7 } } })).toBe("ep_2:7");
    expect(evaluate(src, { event: { data: {} } })).toBe(":");
    expect(evaluate("event.data.n + 1", { event })).toBe(4);
    expect(evaluate("event.data.n + 1", { event: { data: { n: 41 } } })).toBe(42);
  });
});
