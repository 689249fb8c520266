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
  it("throws on what it does not understand instead of matching", () => {
    expect(() => evaluate("event.data.list.exists(x, x > 1)", { event })).toThrow();
    expect(() => evaluate("event.data.n ==", { event })).toThrow();
  });
});
