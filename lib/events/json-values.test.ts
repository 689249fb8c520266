import { expect, it } from "vitest";
import { sameJson, unrepresentableNumbers } from "@/lib/events/json-values";

it("finds numbers JSON cannot carry, with their paths", () => {
  expect(unrepresentableNumbers(JSON.parse('{"a":1e400,"b":[1,-1e999],"c":{"d":2}}'))).toEqual([
    { field: "data.a", message: expect.stringMatching(/outside the range/) },
    { field: "data.b[1]", message: expect.stringMatching(/outside the range/) },
  ]);
  expect(unrepresentableNumbers({ a: 1.5e308, b: -0, c: 2 ** 60 })).toEqual([]);
});

it("compares JSON values, not their spelling", () => {
  expect(sameJson(JSON.parse('{"a":-0,"b":[1,{"x":null}]}'), { b: [1, { x: null }], a: 0 })).toBe(true);
  expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  expect(sameJson({ a: "1" }, { a: 1 })).toBe(false);
  expect(sameJson([], {})).toBe(false);
  expect(sameJson(null, {})).toBe(false);
});
