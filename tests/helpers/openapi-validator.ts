// Checks a response against the OpenAPI document the server publishes (/api/v1/openapi.json):
// its path and method must be an operation of the document (or a 404/405 problem for ones that
// are not), its status declared, its media type one the status declares, its body valid against
// that media type's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses). Validators are compiled
// once per process, on first use of each response.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { openApiDocument } from "@/lib/api/openapi";

type MediaObject = { schema?: unknown };
type ResponseObject = { content?: Record<string, MediaObject> };
type Operation = { responses?: Record<string, ResponseObject> };
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };

const DOC_ID = "https://gatehouse.invalid/openapi.json";

type Compiled = {
  doc: Doc;
  ajv: Ajv2020;
  templates: { template: string; re: RegExp }[];
  validators: Map<string, ValidateFunction>;
};

let compiled: Compiled | undefined;

function setup(): Compiled {
  if (compiled) return compiled;
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID } as object);
  const templates = Object.keys(doc.paths)
    .map((template) => ({
      template,
      re: new RegExp(
        "^" + template.split("/").map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/") + "$",
      ),
      dynamic: (template.match(/\{/g) ?? []).length,
    }))
    // Static segments win over templated ones, as the server's routing does.
    .sort((a, b) => a.dynamic - b.dynamic);
  compiled = { doc, ajv, templates, validators: new Map() };
  return compiled;
}

const pointer = (...parts: string[]) => "#/" + parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

function validatorFor(c: Compiled, ptr: string): ValidateFunction {
  let v = c.validators.get(ptr);
  if (!v) {
    v = c.ajv.compile({ $ref: DOC_ID + ptr });
    c.validators.set(ptr, v);
  }
  return v;
}

function checkJson(c: Compiled, ptr: string, body: string, what: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${what}: the body is not JSON: ${body.slice(0, 120)}`];
  }
  const v = validatorFor(c, ptr);
  if (v(value)) return [];
  const errs = (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(body)"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
  return [`${what}: the body does not match the document: ${errs.join("; ")}; body: ${body.slice(0, 300)}`];
}

const isJsonType = (t: string) => /^application\/([\w.+-]+\+)?json$/.test(t);

/** What is wrong with this response according to the document; empty when it conforms. */
export function responseViolations(r: { method: string; path: string; status: number; contentType: string | undefined; body: string }): string[] {
  const c = setup();
  const method = r.method.toUpperCase() === "HEAD" ? "get" : r.method.toLowerCase();
  const what = `${r.method} ${r.path} → ${r.status}`;
  const type = (r.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const problem = (statuses: number[]) => {
    if (!statuses.includes(r.status)) return null;
    if (type === "application/problem+json") return r.method === "HEAD" ? [] : checkJson(c, pointer("components", "schemas", "Problem"), r.body, what);
    if (r.path.startsWith("/oauth/") && type === "application/json") return r.method === "HEAD" ? [] : checkJson(c, pointer("components", "schemas", "OAuthError"), r.body, what);
    return [`${what}: expected application/problem+json, got ${type || "no content type"}`];
  };

  const t = c.templates.find((x) => x.re.test(r.path));
  if (!t) return problem([404]) ?? [`${what}: the path is not in the document`];
  const item = c.doc.paths[t.template]!;
  const op = item[method];
  if (!op) {
    if (r.method === "OPTIONS" && r.status === 204) return [];
    return problem([405]) ?? [`${what}: ${r.method} is not an operation of ${t.template} in the document`];
  }
  const responses = op.responses ?? {};
  const key = String(r.status) in responses ? String(r.status) : `${String(r.status)[0]}XX` in responses ? `${String(r.status)[0]}XX` : "default" in responses ? "default" : null;
  if (!key) return [`${what}: status ${r.status} is not declared for ${method.toUpperCase()} ${t.template} (declared: ${Object.keys(responses).join(", ")})`];
  const content = responses[key]!.content;
  if (!content || Object.keys(content).length === 0) {
    return r.body.length === 0 || r.method === "HEAD" ? [] : [`${what}: the document declares no body, the response has one (${type})`];
  }
  if (!(type in content)) return [`${what}: media type ${type || "(none)"} is not declared (declared: ${Object.keys(content).join(", ")})`];
  if (r.method === "HEAD" || !isJsonType(type) || !content[type]!.schema) return [];
  return checkJson(c, pointer("paths", t.template, method, "responses", key, "content", type, "schema"), r.body, what);
}
