// JSON Schema for event payloads, with Ajv (draft-07 by default, 2020-12 when the schema's
// `$schema` says so). Errors name the field as the API does: `data.amount`, `data.items[0].sku`.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { FieldError } from "@/lib/api/errors";

const MAX_ERRORS = 20;
const CACHE_SIZE = 500;

function makeAjv<T extends Ajv>(A: new (opts: object) => T): T {
  // strict: false accepts unknown keywords (`example`, vendor extensions) instead of refusing the schema.
  const ajv = new A({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}
const draft7 = makeAjv(Ajv);
const draft2020 = makeAjv(Ajv2020 as unknown as new (opts: object) => Ajv);

// Compiled validators, keyed by the schema's JSON text; the oldest is dropped past CACHE_SIZE.
const cache = new Map<string, ValidateFunction>();

function ajvFor(schema: Record<string, unknown>): Ajv {
  return typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? draft2020 : draft7;
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
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

/** Checks that `schema` is a usable JSON Schema; returns errors on the `schema` field otherwise. */
export function checkPayloadSchema(schema: Record<string, unknown>, field = "schema"): FieldError[] {
  if (JSON.stringify(schema).length > 64 * 1024) return [{ field, message: "must be at most 64 KiB of JSON" }];
  try {
    compile(schema);
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

/** Validates an event's `data` against its type's schema; field paths start at `root`. */
export function validatePayload(schema: Record<string, unknown>, data: unknown, root = "data"): FieldError[] {
  const validate = compile(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).slice(0, MAX_ERRORS).map((e) => ({ field: pathOf(e, root), message: messageOf(e) }));
}
