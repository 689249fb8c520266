import { describe, expect, it } from "vitest";
import { checkPayloadSchema, validatePayload, VALIDATION_BUDGET_MS } from "@/lib/events/payload-schema";

const order = {
  type: "object",
  required: ["amount", "items"],
  additionalProperties: false,
  properties: {
    amount: { type: "number", minimum: 0 },
    email: { type: "string", format: "email" },
    items: { type: "array", items: { type: "object", required: ["sku"], properties: { sku: { type: "string" } } } },
  },
};

describe("event payload schemas", () => {
  it("names each failing field with the API's path syntax", () => {
    expect(validatePayload(order, { amount: 5, items: [{ sku: "a" }] })).toEqual([]);
    const errors = validatePayload(order, { amount: "5", email: "nope", items: [{ sku: "a" }, {}], extra: 1 });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: "data.amount", message: "must be number" },
        { field: "data.email", message: expect.stringContaining("email") },
        { field: "data.items[1].sku", message: "is required" },
        { field: "data.extra", message: "is not allowed by the event type's schema" },
      ]),
    );
    expect(validatePayload(order, {})).toEqual(
      expect.arrayContaining([{ field: "data.amount", message: "is required" }, { field: "data.items", message: "is required" }]),
    );
  });

  it("refuses schemas that are not JSON Schema, accepts draft-07 and 2020-12", () => {
    expect(checkPayloadSchema({ type: "bogus" })[0]?.field).toBe("schema");
    expect(checkPayloadSchema({ $ref: "https://example.com/remote.json" })).toHaveLength(1);
    expect(checkPayloadSchema(order)).toEqual([]);
    const s2020 = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", prefixItems: [{ type: "string" }], properties: { a: { type: "integer" } } };
    expect(checkPayloadSchema(s2020)).toEqual([]);
    expect(validatePayload(s2020, { a: 1.5 })).toEqual([{ field: "data.a", message: "must be integer" }]);
  });
});

describe("the validation budget", () => {
  it("cuts a long validation that runs no pattern (the check inside Ajv's generated code fires)", () => {
    // 99 failing branches per item before the last matches: allErrors collects each failure.
    const schema = { type: "array", items: { anyOf: [...Array.from({ length: 99 }, () => ({ type: "string" })), { type: "number" }] } };
    expect(checkPayloadSchema(schema)).toEqual([]);
    const started = performance.now();
    const errors = validatePayload(schema, Array.from({ length: 200_000 }, () => 0));
    expect(errors).toEqual([{ field: "data", message: expect.stringContaining(`within ${VALIDATION_BUDGET_MS} ms`) }]);
    expect(performance.now() - started).toBeLessThan(VALIDATION_BUDGET_MS + 2000);
    // And the same schema on ordinary data is unaffected.
    expect(validatePayload(schema, [1, 2, "x"])).toEqual([]);
  });
});
