// Payload filters: a small expression language an endpoint uses to pick the events it receives,
// evaluated at fan-out (lib/events/ingest-event.ts) over `{ type, data, channels }` of each event.
//
//   data.amount > 100 && data.currency in ["usd", "eur"]
//   exists(data.customer.id) && !(type == "invoice.voided")
//
// Grammar (a hand-written recursive-descent parser; no eval, no regular expressions):
//   expr       := and ("||" and)*
//   and        := unary ("&&" unary)*
//   unary      := "!" unary | primary
//   primary    := "(" expr ")" | "exists" "(" path ")" | operand [op operand | "in" list]
//                 (at least one side of a comparison is a literal)
//   op         := "==" | "!=" | "<" | "<=" | ">" | ">="
//   operand    := path | string | number | true | false | null
//   list       := "[" [literal ("," literal)*] "]"
//   path       := name ("." name | "[" integer "]" | "[" string "]")*
// A bare operand is true when it is the boolean true (`data.livemode`).
//
// Why it runs in linear time: literals are scalars, `in` takes only a literal list, and values
// from the payload are compared only when they are scalars (an object or array never equals or
// orders against anything), so no operation walks the payload. A path step is one own-property
// lookup. Evaluating costs O(expression size) after the payload is parsed, whatever the payload's
// size or depth; the parser is a single pass over at most MAX_FILTER_LENGTH characters, its
// nesting capped at MAX_FILTER_DEPTH. `evaluateFilter` counts its steps so tests can prove this.
//
// Browser-safe (the console's form checks filters with the same parser).

export const MAX_FILTER_LENGTH = 2000;
export const MAX_FILTER_DEPTH = 32;
/** Nodes (operands, operators, list items) in one expression. */
export const MAX_FILTER_NODES = 500;

export type Scalar = string | number | boolean | null;
type PathStep = string | number;
type Operand = { kind: "path"; path: PathStep[] } | { kind: "literal"; value: Scalar };
export type FilterNode =
  | { kind: "or" | "and"; items: FilterNode[] }
  | { kind: "not"; item: FilterNode }
  | { kind: "exists"; path: PathStep[] }
  | { kind: "compare"; op: "==" | "!=" | "<" | "<=" | ">" | ">="; left: Operand; right: Operand }
  | { kind: "in"; left: Operand; list: Scalar[] }
  | { kind: "truthy"; operand: Operand };

/** A filter that did not parse: what is wrong and where (0-based character offset). */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = "FilterSyntaxError";
  }
}

type Token =
  | { t: "name"; v: string; pos: number }
  | { t: "str"; v: string; pos: number }
  | { t: "num"; v: number; pos: number }
  | { t: "op"; v: string; pos: number }
  | { t: "end"; pos: number };

const isDigit = (c: string) => c >= "0" && c <= "9";
const isNameStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$";
const isNameChar = (c: string) => isNameStart(c) || isDigit(c);
const TWO_CHAR_OPS = new Set(["==", "!=", "<=", ">=", "&&", "||"]);
const ONE_CHAR_OPS = new Set(["<", ">", "!", "(", ")", "[", "]", ",", "."]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (isNameStart(c)) {
      while (i < src.length && isNameChar(src[i]!)) i++;
      out.push({ t: "name", v: src.slice(start, i), pos: start });
    } else if (isDigit(c) || (c === "-" && isDigit(src[i + 1] ?? ""))) {
      i++;
      while (i < src.length && isDigit(src[i]!)) i++;
      if (src[i] === "." && isDigit(src[i + 1] ?? "")) {
        i++;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      if (src[i] === "e" || src[i] === "E") {
        let j = i + 1;
        if (src[j] === "+" || src[j] === "-") j++;
        if (!isDigit(src[j] ?? "")) throw new FilterSyntaxError("malformed number", start);
        i = j;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      const v = Number(src.slice(start, i));
      if (!Number.isFinite(v)) throw new FilterSyntaxError("number out of range", start);
      out.push({ t: "num", v, pos: start });
    } else if (c === '"' || c === "'") {
      i++;
      let v = "";
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError("unterminated string", start);
        const d = src[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === "\\") {
          const e = src[i + 1];
          const simple: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", "/": "/", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };
          if (e !== undefined && e in simple) {
            v += simple[e];
            i += 2;
          } else if (e === "u") {
            const hex = src.slice(i + 2, i + 6);
            if (hex.length !== 4 || ![...hex].every((h) => isDigit(h) || (h >= "a" && h <= "f") || (h >= "A" && h <= "F"))) {
              throw new FilterSyntaxError("malformed \\u escape", i);
            }
            v += String.fromCharCode(parseInt(hex, 16));
            i += 6;
          } else throw new FilterSyntaxError("unknown escape", i);
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: "str", v, pos: start });
    } else if (TWO_CHAR_OPS.has(src.slice(i, i + 2))) {
      out.push({ t: "op", v: src.slice(i, i + 2), pos: start });
      i += 2;
    } else if (ONE_CHAR_OPS.has(c)) {
      out.push({ t: "op", v: c, pos: start });
      i++;
    } else if (c === "=" || c === "&" || c === "|") {
      throw new FilterSyntaxError(`unexpected "${c}" (did you mean "${c}${c}"?)`, start);
    } else {
      throw new FilterSyntaxError(`unexpected character "${c}"`, start);
    }
  }
  out.push({ t: "end", pos: src.length });
  return out;
}

const describe = (tok: Token) =>
  tok.t === "end" ? "end of filter" : tok.t === "str" ? `string "${tok.v}"` : `"${String(tok.v)}"`;

class Parser {
  private i = 0;
  private depth = 0;
  private nodes = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === "op" && t.v === v;
  }
  private expectOp(v: string, what: string): Token {
    const t = this.peek();
    if (t.t !== "op" || t.v !== v) throw new FilterSyntaxError(`expected ${what}, found ${describe(t)}`, t.pos);
    return this.next();
  }
  private count(pos: number) {
    if (++this.nodes > MAX_FILTER_NODES) throw new FilterSyntaxError(`too many terms (at most ${MAX_FILTER_NODES})`, pos);
  }
  private enter(pos: number) {
    if (++this.depth > MAX_FILTER_DEPTH) throw new FilterSyntaxError(`nested too deeply (at most ${MAX_FILTER_DEPTH} levels)`, pos);
  }

  parse(): FilterNode {
    const node = this.or();
    const t = this.peek();
    if (t.t !== "end") throw new FilterSyntaxError(`unexpected ${describe(t)}`, t.pos);
    return node;
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.isOp("||")) {
      this.count(this.next().pos);
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  private and(): FilterNode {
    const items = [this.unary()];
    while (this.isOp("&&")) {
      this.count(this.next().pos);
      items.push(this.unary());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  private unary(): FilterNode {
    if (this.isOp("!")) {
      const t = this.next();
      this.count(t.pos);
      this.enter(t.pos);
      const item = this.unary();
      this.depth--;
      return { kind: "not", item };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const t = this.peek();
    if (t.t === "op" && t.v === "(") {
      this.next();
      this.enter(t.pos);
      const inner = this.or();
      this.depth--;
      this.expectOp(")", '")"');
      return inner;
    }
    if (t.t === "name" && t.v === "exists" && this.toks[this.i + 1]?.t === "op" && (this.toks[this.i + 1] as { v: string }).v === "(") {
      this.next();
      this.next();
      this.count(t.pos);
      const p = this.peek();
      if (p.t !== "name" || isKeyword(p.v)) throw new FilterSyntaxError(`exists() takes a field path, found ${describe(p)}`, p.pos);
      const path = this.path();
      this.expectOp(")", '")"');
      return { kind: "exists", path };
    }
    const left = this.operand();
    const o = this.peek();
    if (o.t === "op" && (o.v === "==" || o.v === "!=" || o.v === "<" || o.v === "<=" || o.v === ">" || o.v === ">=")) {
      this.next();
      this.count(o.pos);
      const rightPos = this.peek().pos;
      const right = this.operand();
      // Two payload values compared with each other could each be megabytes long; with one side
      // a literal, every comparison costs at most that literal's length.
      if (left.kind === "path" && right.kind === "path") {
        throw new FilterSyntaxError("compare a field with a value, not with another field", rightPos);
      }
      return { kind: "compare", op: o.v, left, right };
    }
    if (o.t === "name" && o.v === "in") {
      this.next();
      this.count(o.pos);
      return { kind: "in", left, list: this.list() };
    }
    return { kind: "truthy", operand: left };
  }

  private operand(): Operand {
    const t = this.peek();
    this.count(t.pos);
    if (t.t === "str" || t.t === "num") {
      this.next();
      return { kind: "literal", value: t.v };
    }
    if (t.t === "name") {
      if (t.v === "true" || t.v === "false" || t.v === "null") {
        this.next();
        return { kind: "literal", value: t.v === "null" ? null : t.v === "true" };
      }
      if (isKeyword(t.v)) throw new FilterSyntaxError(`unexpected "${t.v}"`, t.pos);
      return { kind: "path", path: this.path() };
    }
    throw new FilterSyntaxError(`expected a field, a value or "(", found ${describe(t)}`, t.pos);
  }

  private path(): PathStep[] {
    const first = this.next() as Extract<Token, { t: "name" }>;
    const steps: PathStep[] = [first.v];
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const n = this.peek();
        if (n.t !== "name") throw new FilterSyntaxError(`expected a field name after ".", found ${describe(n)}`, n.pos);
        this.next();
        steps.push(n.v);
      } else if (this.isOp("[")) {
        this.next();
        const k = this.next();
        if (k.t === "str") steps.push(k.v);
        else if (k.t === "num" && Number.isInteger(k.v) && k.v >= 0) steps.push(k.v);
        else throw new FilterSyntaxError(`expected an index or a quoted key in "[...]", found ${describe(k)}`, k.pos);
        this.expectOp("]", '"]"');
      } else break;
      this.count(this.toks[this.i - 1]!.pos);
    }
    return steps;
  }

  private list(): Scalar[] {
    this.expectOp("[", 'a list "[...]" after "in"');
    const items: Scalar[] = [];
    if (this.isOp("]")) {
      this.next();
      return items;
    }
    for (;;) {
      const t = this.next();
      this.count(t.pos);
      if (t.t === "str" || t.t === "num") items.push(t.v);
      else if (t.t === "name" && (t.v === "true" || t.v === "false" || t.v === "null")) items.push(t.v === "null" ? null : t.v === "true");
      else throw new FilterSyntaxError(`lists hold only strings, numbers, true, false and null; found ${describe(t)}`, t.pos);
      if (this.isOp("]")) {
        this.next();
        return items;
      }
      this.expectOp(",", '"," or "]"');
    }
  }
}

const KEYWORDS = new Set(["in", "exists", "true", "false", "null"]);
const isKeyword = (s: string) => KEYWORDS.has(s);

/** Parses `src`; throws FilterSyntaxError with the position of the first problem. */
export function parseFilter(src: string): FilterNode {
  if (src.length > MAX_FILTER_LENGTH) throw new FilterSyntaxError(`too long (at most ${MAX_FILTER_LENGTH} characters)`, MAX_FILTER_LENGTH);
  if (src.trim() === "") throw new FilterSyntaxError("empty filter (send null to remove it)", 0);
  return new Parser(tokenize(src)).parse();
}

/** The first problem of `src` as `{ message, position }`, or null when it parses. */
export function filterProblem(src: string): { message: string; position: number } | null {
  try {
    parseFilter(src);
    return null;
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { message: err.message, position: err.position };
    throw err;
  }
}

/** What a filter sees of an event. */
export type FilterDocument = { type: string; data: unknown; channels: string[] };

/** Counts evaluation steps (tests prove the bound with it). */
export type FilterMeter = { steps: number };

const MISSING = Symbol("missing");

function resolve(doc: unknown, path: PathStep[], meter: FilterMeter): unknown {
  let v: unknown = doc;
  for (const step of path) {
    meter.steps++;
    if (v === null || typeof v !== "object") return MISSING;
    if (Array.isArray(v)) {
      if (typeof step !== "number" || step >= v.length) return MISSING;
      v = v[step];
    } else {
      // Own properties only: `constructor` or `__proto__` never reach Object.prototype.
      if (typeof step !== "string" || !Object.prototype.hasOwnProperty.call(v, step)) return MISSING;
      v = (v as Record<string, unknown>)[step];
    }
  }
  return v;
}

const isScalar = (v: unknown): v is Scalar => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function operandValue(o: Operand, doc: unknown, meter: FilterMeter): unknown {
  meter.steps++;
  return o.kind === "literal" ? o.value : resolve(doc, o.path, meter);
}

/** Equal scalars (numbers by value); anything else (an object, an array, a missing field) is not equal. */
function scalarEquals(a: unknown, b: unknown): boolean {
  return isScalar(a) && isScalar(b) && a === b;
}

/** What comparing two strings costs: at most the shorter one's length (one of them is a literal). */
function stringCost(a: unknown, b: unknown): number {
  return typeof a === "string" && typeof b === "string" ? Math.min(a.length, b.length) : 0;
}

function order(a: unknown, b: unknown): number | null {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function evalNode(n: FilterNode, doc: unknown, meter: FilterMeter): boolean {
  meter.steps++;
  switch (n.kind) {
    case "or":
      return n.items.some((i) => evalNode(i, doc, meter));
    case "and":
      return n.items.every((i) => evalNode(i, doc, meter));
    case "not":
      return !evalNode(n.item, doc, meter);
    case "exists":
      return resolve(doc, n.path, meter) !== MISSING;
    case "truthy":
      return operandValue(n.operand, doc, meter) === true;
    case "in": {
      const v = operandValue(n.left, doc, meter);
      if (!isScalar(v)) return false;
      for (const item of n.list) {
        meter.steps += 1 + stringCost(item, v);
        if (item === v) return true;
      }
      return false;
    }
    case "compare": {
      const a = operandValue(n.left, doc, meter);
      const b = operandValue(n.right, doc, meter);
      meter.steps += stringCost(a, b);
      if (n.op === "==") return scalarEquals(a, b);
      if (n.op === "!=") return !scalarEquals(a, b);
      const c = order(a, b);
      if (c === null) return false;
      return n.op === "<" ? c < 0 : n.op === "<=" ? c <= 0 : n.op === ">" ? c > 0 : c >= 0;
    }
  }
}

/** Whether `doc` passes the filter. Never throws. */
export function evaluateFilter(node: FilterNode, doc: FilterDocument, meter: FilterMeter = { steps: 0 }): boolean {
  return evalNode(node, doc, meter);
}

/**
 * Compiled filters by source text. A filter's meaning depends only on its text, so this cache can
 * never disagree with the database or another process; it only saves re-parsing on every event.
 * Bounded: it starts over when full.
 */
export class FilterCache {
  private readonly map = new Map<string, FilterNode | null>();
  constructor(private readonly max = 2000) {}

  /** The compiled filter, or null when `src` does not parse (stored before a grammar change). */
  get(src: string): FilterNode | null {
    let node = this.map.get(src);
    if (node === undefined) {
      try {
        node = parseFilter(src);
      } catch {
        node = null;
      }
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(src, node);
    }
    return node;
  }
}

// ---- channels ----

/** Channel names: letters, digits and `_ . : -`, 1 to 64 characters (as Svix's). */
export const MAX_CHANNEL_LENGTH = 64;
export const MAX_EVENT_CHANNELS = 10;
export const MAX_ENDPOINT_CHANNELS = 100;

/** Why `name` is not a channel name, and where (0-based), or null. No regular expression: a plain loop. */
export function channelNameIssue(name: string): { message: string; position: number } | null {
  if (name.length === 0) return { message: "Enter a channel name", position: 0 };
  if (name.length > MAX_CHANNEL_LENGTH) return { message: `Use at most ${MAX_CHANNEL_LENGTH} characters`, position: MAX_CHANNEL_LENGTH };
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (!(isNameChar(c) && c !== "$") && c !== "." && c !== ":" && c !== "-") {
      return { message: `Character ${JSON.stringify(c)} at position ${i} is not allowed (letters, digits and _ . : - only)`, position: i };
    }
  }
  return null;
}

/** channelNameIssue's message alone. */
export function channelNameProblem(name: string): string | null {
  return channelNameIssue(name)?.message ?? null;
}
