// JSON Schema for event payloads, with Ajv (draft-07 by default, 2020-12 when the schema's
// `$schema` says so). Errors name the field as the API does: `data.amount`, `data.items[0].sku`.
//
// Schemas are tenant input and validation runs on the request path, so the work one event can
// cost is bounded (issue 12, finding 2):
// - every regular expression of a schema (`pattern`, `patternProperties` keys, `propertyNames`'
//   patterns) runs on RE2 (re2js: linear time, no backtracking; RE2 syntax, so no lookaround or
//   backreferences). `format` uses ajv-formats' fixed expressions, which are not tenant input;
// - a schema is at most 64 KiB of JSON and 32 levels deep, and its cost is bounded: schema nodes
//   counted as often as `$ref`s reach them (so a chain of refs cannot fan out exponentially), plus
//   the RE2 program size of each pattern use; a `$ref` cycle must descend into the data;
// - refs are never inlined (compiled code stays linear in the schema's size) and `uniqueItems`
//   compares canonical JSON in a set (Ajv's own is quadratic for objects);
// - what the bounds cannot see (schema size × data size, errors collected in anyOf branches) is
//   cut by a wall-clock budget per validation, checked at the top of every generated function and
//   loop body and before every pattern test.
import Ajv, { type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { RE2JS } from "re2js";
import type { FieldError } from "@/lib/api/errors";

const MAX_ERRORS = 20;
const CACHE_SIZE = 500;
export const MAX_SCHEMA_BYTES = 64 * 1024;
export const MAX_SCHEMA_DEPTH = 32;
/** Schema nodes and keywords, counted once per way a `$ref` reaches them. */
export const MAX_SCHEMA_COST = 2_000;
/** RE2 program instructions of all pattern uses together (`^[a-z]+$` is 5, `.{1000}` is 1002). */
export const MAX_PATTERN_COST = 1_000;
/** Wall-clock time one validation may take; past it the event is refused (422). */
export const VALIDATION_BUDGET_MS = 250;
export const MAX_PATTERN_LENGTH = 1_000;
export const MAX_DISTINCT_PATTERNS = 100;
/** Subschemas of one allOf/anyOf/oneOf: Ajv nests the code of each in the previous one. */
export const MAX_BRANCHES = 100;

// ---- Linear-time regular expressions ----

class PatternError extends Error {}

// Compiled patterns, by source; compiling is the costly part and schemas repeat patterns.
const patterns = new Map<string, RE2JS>();

function compilePattern(source: string): RE2JS {
  const hit = patterns.get(source);
  if (hit) return hit;
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`must be at most ${MAX_PATTERN_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (err) {
    throw new PatternError(`${(err as Error).message} (patterns use RE2 syntax: no lookaround or backreferences)`);
  }
  if (patterns.size >= CACHE_SIZE * 4) patterns.delete(patterns.keys().next().value!);
  patterns.set(source, re);
  return re;
}

function patternCost(source: string): number {
  return (compilePattern(source).re2().prog as { numInst(): number }).numInst();
}

// ---- The validation budget ----

class ValidationTimeout extends Error {}

// The deadline of the validation running now. Validation is synchronous, so at most one runs at a
// time in a process; validatePayload sets it and always clears it.
const clock: { deadline: number | undefined; Timeout: typeof ValidationTimeout } = { deadline: undefined, Timeout: ValidationTimeout };

function checkClock(): void {
  if (clock.deadline !== undefined && performance.now() > clock.deadline) throw new ValidationTimeout();
}

// Ajv generates code with no hook for a deadline: `code.process` adds one at the top of every
// generated function and loop body (ajv is pinned to an exact version; the ReDoS tests prove the
// check still fires). The inserted text has no quotes, so where it lands inside a string literal
// (a property name that looks like a loop header) it changes that string, never the code.
const CLOCK_CHECK = "if(self.__gatehouseClock.deadline!==undefined&&performance.now()>self.__gatehouseClock.deadline)throw new self.__gatehouseClock.Timeout();";
function addClockChecks(code: string): string {
  return code
    .replace(/(function \w+\(data, \{[^}]*\}=\{\}\)\{)/g, `$1${CLOCK_CHECK}`)
    .replace(/(for\((?:let \w+=0; \w+<\w+; \w+\+\+|const \w+ in \w+)\)\{)/g, `$1${CLOCK_CHECK}`);
}

// Ajv's `code.regExp` interface: (pattern, flags) → an object with `test` (and a toString that
// tells patterns apart). Ajv passes only the "u" flag, which RE2 needs not (it is Unicode-aware).
const re2Engine = Object.assign(
  (source: string) => {
    const re = compilePattern(source);
    return {
      test(s: string): boolean {
        checkClock();
        return re.test(s);
      },
      toString: () => `/${source}/`,
    };
  },
  { code: "re2js" },
);

// ---- Ajv instances ----

/** Canonical JSON (keys sorted), so equal JSON values give equal strings. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

function makeAjv<T extends Ajv>(A: new (opts: object) => T): T {
  // strict: false accepts unknown keywords (`example`, vendor extensions) instead of refusing the schema.
  // logger: false, or a schema that fails to compile is printed whole into the log.
  const ajv = new A({
    allErrors: true,
    strict: false,
    validateFormats: true,
    inlineRefs: false,
    logger: false,
    code: { regExp: re2Engine, process: addClockChecks },
  });
  (ajv as unknown as { __gatehouseClock: typeof clock }).__gatehouseClock = clock;
  addFormats(ajv);
  // uniqueItems in O(n log n): Ajv compares every pair of object items.
  ajv.removeKeyword("uniqueItems");
  ajv.addKeyword({
    keyword: "uniqueItems",
    type: "array",
    schemaType: "boolean",
    errors: true,
    validate: uniqueItemsKeyword,
  });
  return ajv;
}

const uniqueItemsKeyword: SchemaValidateFunction = function uniqueItems(unique: boolean, items: unknown[]): boolean {
  const dup = unique ? firstDuplicate(items) : null;
  uniqueItemsKeyword.errors = dup
    ? [{ keyword: "uniqueItems", params: { i: dup[1], j: dup[0] }, message: `must NOT have duplicate items (items ## ${dup[0]} and ${dup[1]} are identical)` }]
    : undefined;
  return !dup;
};

/** The indices [j, i] (j < i) of the first repeated item, or null. */
function firstDuplicate(items: unknown[]): [number, number] | null {
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const key = canonical(items[i]);
    const j = seen.get(key);
    if (j !== undefined) return [j, i];
    seen.set(key, i);
  }
  return null;
}

const draft7 = makeAjv(Ajv);
const draft2020 = makeAjv(Ajv2020 as unknown as new (opts: object) => Ajv);

// Compiled validators, keyed by the schema's JSON text; the oldest is dropped past CACHE_SIZE.
const cache = new Map<string, ValidateFunction>();

function ajvFor(schema: Record<string, unknown>): Ajv {
  return typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? draft2020 : draft7;
}

function compile(schema: Record<string, unknown>, key = JSON.stringify(schema)): ValidateFunction {
  const hit = cache.get(key);
  if (hit) return hit;
  const ajv = ajvFor(schema);
  // Compile without registering the schema by its $id, so two event types may share one.
  const { $id: _id, ...anonymous } = schema;
  const fn = ajv.compile(anonymous);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, fn);
  return fn;
}

// ---- Bounds ----

// Keywords whose subschemas apply to the same instance, and those that apply to a part of it.
const SAME_INSTANCE = new Set(["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"]);
const DESCENDING = new Set([
  "properties", "patternProperties", "additionalProperties", "propertyNames", "items", "prefixItems", "additionalItems",
  "contains", "unevaluatedItems", "unevaluatedProperties",
]);
const NOT_APPLIED = new Set(["definitions", "$defs", "examples", "default", "enum", "const", "$comment", "title", "description"]);

function depthOf(v: unknown, limit: number, depth = 1): number {
  if (depth > limit || !v || typeof v !== "object") return depth;
  let max = depth;
  for (const c of Object.values(v)) {
    max = Math.max(max, depthOf(c, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** Why a schema would cost too much to compile or apply, or null. `schema` is valid JSON. */
function costProblem(root: Record<string, unknown>): string | null {
  // Targets of `$ref`: JSON pointers from the root, `$anchor`/`$dynamicAnchor` names and `$id`s.
  const anchors = new Map<string, object>();
  const collect = (v: unknown) => {
    if (!v || typeof v !== "object") return;
    if (!Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      for (const k of ["$anchor", "$dynamicAnchor"]) if (typeof o[k] === "string") anchors.set(`#${o[k]}`, o);
      if (typeof o.$id === "string" && v !== root) anchors.set(o.$id, o);
    }
    for (const c of Object.values(v)) collect(c);
  };
  collect(root);
  const resolve = (ref: string): object | null => {
    if (ref === "#") return root;
    if (ref.startsWith("#/")) {
      let node: unknown = root;
      for (const raw of ref.slice(2).split("/")) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
      }
      return node && typeof node === "object" ? node : null;
    }
    return anchors.get(ref) ?? null;
  };

  let patternTotal = 0;
  const distinct = new Set<string>();
  const memo = new Map<object, number>();
  const stack = new Map<object, number>(); // node → data depth when it was entered
  class Stop extends Error {}
  const fail = (message: string): never => {
    throw new Stop(message);
  };
  const addPattern = (source: string, where: string) => {
    distinct.add(source);
    if (distinct.size > MAX_DISTINCT_PATTERNS) fail(`must use at most ${MAX_DISTINCT_PATTERNS} different patterns`);
    let n: number;
    try {
      n = patternCost(source);
    } catch (err) {
      return fail(`${where} ${JSON.stringify(source.slice(0, 100))} is not supported: ${(err as Error).message}`);
    }
    patternTotal += n;
    if (patternTotal > MAX_PATTERN_COST) fail(`its patterns are too complex (limit ${MAX_PATTERN_COST} RE2 instructions in all; simplify or remove repetition counts)`);
    return n;
  };

  // The cost of applying `node` to one instance at data depth `dataDepth`.
  const visit = (node: unknown, dataDepth: number): number => {
    if (typeof node === "boolean") return 1;
    if (!node || typeof node !== "object" || Array.isArray(node)) return 0;
    const seen = memo.get(node);
    if (seen !== undefined) return seen;
    const entered = stack.get(node);
    if (entered !== undefined) {
      // Recursion: fine when it moves into the data (a tree), endless when it does not.
      if (entered < dataDepth) return 1;
      fail("has a $ref cycle that does not move into the data (it would recurse forever)");
    }
    stack.set(node, dataDepth);
    let c = 1;
    const o = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (NOT_APPLIED.has(k)) c += k === "enum" || k === "const" ? Math.ceil(JSON.stringify(v).length / 16) : 0;
      else if (k === "$ref" || k === "$dynamicRef" || k === "$recursiveRef") {
        if (typeof v !== "string") continue;
        const target = resolve(k === "$recursiveRef" ? "#" : v);
        if (!target) fail(`$ref ${JSON.stringify(v.slice(0, 100))} must point into this schema (#/…, #anchor or a subschema's $id)`);
        c += visit(target, dataDepth);
      } else if (k === "pattern" && typeof v === "string") c += addPattern(v, "pattern");
      else if (SAME_INSTANCE.has(k) || DESCENDING.has(k)) {
        const d = DESCENDING.has(k) ? dataDepth + 1 : dataDepth;
        if (k === "patternProperties" && v && typeof v === "object") for (const p of Object.keys(v)) c += addPattern(p, "patternProperties key");
        if (Array.isArray(v) && (k === "allOf" || k === "anyOf" || k === "oneOf") && v.length > MAX_BRANCHES) fail(`${k} must have at most ${MAX_BRANCHES} subschemas`);
        const subs =
          Array.isArray(v) ? v
          : (k === "properties" || k === "patternProperties" || k === "dependentSchemas" || k === "dependencies") && v && typeof v === "object" ? Object.values(v)
          : [v];
        for (const s of subs) c += visit(s, d);
      } else c += Array.isArray(v) ? 1 + v.length : 1;
      if (c > MAX_SCHEMA_COST) fail(`is too complex to check events against (more than ${MAX_SCHEMA_COST} keywords once $refs are followed)`);
    }
    stack.delete(node);
    memo.set(node, c);
    return c;
  };
  try {
    visit(root, 0);
    return null;
  } catch (err) {
    if (err instanceof Stop) return err.message;
    throw err;
  }
}

/** Checks that `schema` is a usable JSON Schema; returns errors on the `schema` field otherwise. */
export function checkPayloadSchema(schema: Record<string, unknown>, field = "schema"): FieldError[] {
  const json = JSON.stringify(schema);
  if (json.length > MAX_SCHEMA_BYTES) return [{ field, message: "must be at most 64 KiB of JSON" }];
  if (depthOf(schema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH) return [{ field, message: `must be nested at most ${MAX_SCHEMA_DEPTH} levels deep` }];
  const problem = costProblem(schema);
  if (problem) return [{ field, message: problem }];
  try {
    compile(schema, json);
    return [];
  } catch (err) {
    return [{ field, message: `is not a valid JSON Schema: ${(err as Error).message}` }];
  }
}

function pathOf(e: ErrorObject, root: string): string {
  const parts = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra =
    e.keyword === "required"
      ? (e.params as { missingProperty: string }).missingProperty
      : e.keyword === "additionalProperties"
        ? (e.params as { additionalProperty: string }).additionalProperty
        : undefined;
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), root);
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === "required") return "is required";
  if (e.keyword === "additionalProperties") return "is not allowed by the event type's schema";
  return e.message ?? "is invalid";
}

/**
 * Validates an event's `data` against its type's schema; field paths start at `root`. A schema
 * stored before the current bounds, which no longer compiles, is reported on `root` (a 422 the
 * caller's admin can fix) rather than thrown.
 */
export function validatePayload(schema: Record<string, unknown>, data: unknown, root = "data"): FieldError[] {
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    const problems = checkPayloadSchema(schema);
    if (problems.length) return [{ field: root, message: `cannot be checked: the event type's schema ${problems[0]!.message}` }];
    validate = compile(schema, key);
  }
  clock.deadline = performance.now() + VALIDATION_BUDGET_MS;
  try {
    if (validate(data)) return [];
  } catch (err) {
    if (err instanceof ValidationTimeout) {
      return [{ field: root, message: `could not be checked against the event type's schema within ${VALIDATION_BUDGET_MS} ms; send less data or simplify the schema` }];
    }
    if (err instanceof RangeError) return [{ field: root, message: "is nested too deeply to check against the event type's schema" }];
    throw err;
  } finally {
    clock.deadline = undefined;
  }
  return (validate.errors ?? []).slice(0, MAX_ERRORS).map((e) => ({ field: pathOf(e, root), message: messageOf(e) }));
}
