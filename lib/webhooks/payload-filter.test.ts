// The filter language: what matches, where a bad filter is wrong, and the linear-time bound,
// proven by counting evaluation steps (not wall time) while the payload and the expression double.
import { describe, expect, it } from "vitest";
import {
  channelNameProblem,
  evaluateFilter,
  filterProblem,
  FilterSyntaxError,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
  type FilterDocument,
  type FilterMeter,
} from "@/lib/webhooks/payload-filter";

const doc = (data: unknown, type = "invoice.paid", channels: string[] = []): FilterDocument => ({ type, data, channels });
const matches = (src: string, d: FilterDocument) => evaluateFilter(parseFilter(src), d);

describe("payload filter semantics", () => {
  const inv = doc({ amount: 250, currency: "usd", livemode: true, customer: { id: "cus_1", tags: ["vip"] }, note: null });

  it.each([
    ['data.amount > 100 && data.currency in ["usd","eur"]', true],
    ['data.amount > 300 || data.currency == "eur"', false],
    ["exists(data.customer.id)", true],
    ["exists(data.customer.email)", false],
    ["exists(data.note)", true], // null exists
    ["data.note == null", true],
    ["!exists(data.missing) && data.livemode", true],
    ['type == "invoice.paid"', true],
    ['"invoice.paid" == type', true],
    ["100 < data.amount", true],
    ["data.amount >= 250 && data.amount <= 250", true],
    ['data.customer.tags[0] == "vip"', true],
    ['data["customer"]["id"] == \'cus_1\'', true],
    ["data.customer == 1", false], // objects never equal a scalar
    ["data.customer != 1", true],
    ['data.amount == "250"', false], // no coercion
    ['data.currency > "a"', true],
    ['data.amount > "a"', false], // mixed types do not order
    ["data.missing != 1", true],
    ["data.missing < 1", false],
    ["!(data.amount > 100)", false],
    ["(data.amount > 1 || data.x) && !data.note", true],
    ["data.amount in [1, 2, 250]", true],
    ["data.amount in []", false],
    ["data.customer in [1]", false],
    ["data.amount == 2.5e2", true],
    ["exists(data.constructor) || exists(data.__proto__) || exists(data.toString)", false],
    ['data.customer.tags.length == 1', false], // arrays have no named fields
  ])("%s → %s", (src, expected) => {
    expect(matches(src, inv)).toBe(expected);
  });

  it("sees channels and type", () => {
    expect(matches('channels[0] == "eu"', doc({}, "a.b", ["eu"]))).toBe(true);
    expect(matches('channels[1] == "eu"', doc({}, "a.b", ["eu"]))).toBe(false);
  });
});

describe("bad filters say what and where", () => {
  it.each([
    ["data.amount >", 13, "expected a field"],
    ["data.amount = 1", 12, 'did you mean "=="'],
    ["data.amount > 1 &&", 18, "end of filter"],
    ['data.currency in "usd"', 17, "list"],
    ["(data.a == 1", 12, '")"'],
    ["data.a == 1)", 11, 'unexpected ")"'],
    ["data.a == 'x", 10, "unterminated string"],
    ["data.a == 1 # x", 12, 'unexpected character "#"'],
    ["data.a == data.b", 10, "not with another field"],
    ["exists(1)", 7, "field path"],
    ["data.a in [data.b]", 11, "lists hold only"],
    ["data.", 5, "field name"],
    ["data[-1] == 1", 5, "index"],
    ["   ", 0, "empty"],
  ])("%s → position %d", (src, position, message) => {
    const p = filterProblem(src);
    expect(p).not.toBeNull();
    expect(p!.position).toBe(position);
    expect(p!.message).toContain(message);
    expect(p!.message).toContain(`at position ${position}`);
  });

  it("refuses too long and too deep, and stays linear while refusing", () => {
    expect(filterProblem("a".repeat(MAX_FILTER_LENGTH + 1))?.message).toContain("too long");
    expect(filterProblem("!".repeat(MAX_FILTER_DEPTH + 1) + "a")?.message).toContain("nested too deeply");
    expect(filterProblem("(".repeat(MAX_FILTER_DEPTH + 1) + "a" + ")".repeat(MAX_FILTER_DEPTH + 1))?.message).toContain("nested too deeply");
    expect(filterProblem("!".repeat(MAX_FILTER_DEPTH) + "a")).toBeNull();
    expect(() => parseFilter("a ||")).toThrow(FilterSyntaxError);
  });
});

// Hostile inputs: a payload built to be expensive (deep nesting, long arrays, megabyte strings)
// and an expression built to reach into it as much as the grammar allows.
function hostilePayload(size: number): Record<string, unknown> {
  let deep: Record<string, unknown> = { end: "x".repeat(size) };
  for (let i = 0; i < size; i++) deep = { a: deep, ["k" + i]: i };
  return {
    a: deep,
    list: Array.from({ length: size }, (_, i) => ({ v: i, s: "y".repeat(8) })),
    s: "z".repeat(size * 10),
    wide: Object.fromEntries(Array.from({ length: size }, (_, i) => ["f" + i, i])),
  };
}

function hostileExpression(terms: number): string {
  const parts: string[] = [];
  for (let i = 0; i < terms; i++) {
    // Each term: a deep path, a long string compare against the huge string, a list, a negation.
    parts.push(
      `(exists(data.a.a.a.a.a.a.a.a) && data.s < "${"z".repeat(20)}" && !(data.list[${i}].v in [1,2,3,"zzzz"]) || data.wide.f${i} >= 0)`,
    );
  }
  return parts.join(" && ");
}

const steps = (src: string, data: unknown): number => {
  const meter: FilterMeter = { steps: 0 };
  evaluateFilter(parseFilter(src), doc(data), meter);
  return meter.steps;
};

describe("evaluation cost is linear (steps counted, not time)", () => {
  it("does not grow with the payload: doubling size and depth leaves the step count unchanged", () => {
    const expr = hostileExpression(4);
    const counts = [250, 500, 1000, 2000].map((n) => steps(expr, hostilePayload(n)));
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(0);
  });

  it("grows at most linearly with the expression: doubling it at most doubles the steps (plus a constant)", () => {
    const payload = hostilePayload(2000);
    const counts = [1, 2, 4, 8].map((n) => ({ len: hostileExpression(n).length, steps: steps(hostileExpression(n), payload) }));
    expect(counts[3]!.len).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i]!.steps).toBeLessThanOrEqual(2 * counts[i - 1]!.steps + 10);
    }
    // And in absolute terms: a bounded number of steps per character of the expression.
    for (const c of counts) expect(c.steps).toBeLessThanOrEqual(2 * c.len);
  });

  it("the worst expression at the length limit against a 1 MB, 2,000-deep payload stays within a few thousand steps", () => {
    const payload = hostilePayload(2000);
    let expr = "data.s == " + JSON.stringify("z".repeat(MAX_FILTER_LENGTH - 20));
    expect(expr.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    expect(steps(expr, payload)).toBeLessThanOrEqual(MAX_FILTER_LENGTH + 10);
    expr = Array.from({ length: 30 }, () => "!data.a.a.a.a.a.a.a.a.a.a").join("||");
    expect(steps(expr, payload)).toBeLessThanOrEqual(2 * expr.length);
  });

  it("touches the payload only along the filter's paths (every property access counted by a Proxy, independent of the evaluator)", () => {
    // A Proxy around every object and array of the payload counts each read the evaluator makes:
    // an implementation that walked the payload (deep equality, JSON.stringify, Object.keys, a
    // search through arrays) would read more as the payload doubles.
    const touches = (data: unknown, src: string) => {
      let n = 0;
      const wrap = (v: unknown): unknown => {
        if (v === null || typeof v !== "object") return v;
        return new Proxy(v as object, {
          get: (t, k, r) => (n++, wrap(Reflect.get(t, k, r))),
          has: (t, k) => (n++, Reflect.has(t, k)),
          ownKeys: (t) => (n++, Reflect.ownKeys(t)),
          getOwnPropertyDescriptor: (t, k) => (n++, Reflect.getOwnPropertyDescriptor(t, k)),
        });
      };
      evaluateFilter(parseFilter(src), doc(wrap(data)));
      return n;
    };
    const expr = 'data.a == 1 || data.list == 2 || data.wide in ["x"] || data.s < "z" || ' + hostileExpression(4);
    const counts = [250, 500, 1000, 2000].map((size) => touches(hostilePayload(size), expr));
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(expr.length);
  });

  it("parsing is one pass: time to parse a filter at the length limit is counted by its tokens", () => {
    // A long `||` chain builds a flat node, not a deep recursion (no stack overflow).
    const chain = Array.from({ length: 90 }, (_, i) => `data.x == ${i}`).join(" || ");
    expect(chain.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    expect(parseFilter(chain)).toMatchObject({ kind: "or" });
  });
});

describe("channel names", () => {
  it.each([
    ["eu", null],
    ["project_123.orders:v1-beta", null],
    ["", "Enter"],
    ["a".repeat(65), "at most 64"],
    ["has space", "position 3"],
    ["emoji🙂", "position 5"],
    ["a,b", "position 1"],
    ["$x", "position 0"],
  ])("%s", (name, problem) => {
    const p = channelNameProblem(name);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toContain(problem);
  });
});
