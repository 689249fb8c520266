// The small part of CEL that triggers, idempotency and concurrency keys use:
// paths (`event.data.id`), string/number/bool/null literals, + (concatenation or sum),
// == != < <= > >=, !, &&, || and parentheses. Anything else throws, so an unsupported
// expression fails loudly instead of matching everything.

type Token = { t: "str" | "num" | "id" | "op"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let v = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        v += src[j++];
      }
      if (j >= src.length) throw new Error(`expression: unterminated string in ${src}`);
      out.push({ t: "str", v });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else {
      const op = ["==", "!=", "<=", ">=", "&&", "||"].find((o) => src.startsWith(o, i)) ?? c;
      if (!["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "(", ")"].includes(op)) {
        throw new Error(`expression: unsupported "${op}" in ${src}`);
      }
      out.push({ t: "op", v: op });
      i += op.length;
    }
  }
  return out;
}

/** An expression parsed once: literals, paths, `!`, and the binary operators. */
type Node =
  | { k: "lit"; v: unknown }
  | { k: "path"; keys: string[] }
  | { k: "not"; e: Node }
  | { k: "bin"; op: string; l: Node; r: Node };

// Parsed expressions by source (they come from the functions' configs): an event is matched,
// batched and keyed by the same few expressions thousands of times a second.
const parsed = new Map<string, Node>();
const MAX_PARSED = 1_000;

export function evaluate(src: string, vars: Record<string, unknown>): unknown {
  let node = parsed.get(src);
  if (!node) {
    node = parse(src);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(src, node);
  }
  return run(node, vars);
}

function parse(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const eat = (v: string) => {
    if (peek()?.t === "op" && peek()!.v === v) {
      pos++;
      return true;
    }
    return false;
  };

  const primary = (): Node => {
    const tok = tokens[pos++];
    if (!tok) throw new Error(`expression: unexpected end of ${src}`);
    if (tok.t === "str") return { k: "lit", v: tok.v };
    if (tok.t === "num") return { k: "lit", v: Number(tok.v) };
    if (tok.t === "id") {
      if (tok.v === "true") return { k: "lit", v: true };
      if (tok.v === "false") return { k: "lit", v: false };
      if (tok.v === "null") return { k: "lit", v: null };
      return { k: "path", keys: tok.v.split(".") };
    }
    if (tok.v === "(") {
      const v = or();
      if (!eat(")")) throw new Error(`expression: missing ) in ${src}`);
      return v;
    }
    if (tok.v === "!") return { k: "not", e: primary() };
    throw new Error(`expression: unexpected "${tok.v}" in ${src}`);
  };
  const sum = (): Node => {
    let v = primary();
    while (eat("+")) v = { k: "bin", op: "+", l: v, r: primary() };
    return v;
  };
  const compare = (): Node => {
    const l = sum();
    const op = peek();
    if (op?.t !== "op" || !["==", "!=", "<", "<=", ">", ">="].includes(op.v)) return l;
    pos++;
    return { k: "bin", op: op.v, l, r: sum() };
  };
  const and = (): Node => {
    let v = compare();
    while (eat("&&")) v = { k: "bin", op: "&&", l: v, r: compare() };
    return v;
  };
  const or = (): Node => {
    let v = and();
    while (eat("||")) v = { k: "bin", op: "||", l: v, r: and() };
    return v;
  };

  const result = or();
  if (pos !== tokens.length) throw new Error(`expression: unexpected "${tokens[pos]!.v}" in ${src}`);
  return result;
}

function run(n: Node, vars: Record<string, unknown>): unknown {
  switch (n.k) {
    case "lit":
      return n.v;
    case "path": {
      let cur: unknown = vars;
      for (const key of n.keys) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
      return cur ?? null;
    }
    case "not":
      return !run(n.e, vars);
  }
  const l = run(n.l, vars);
  const r = run(n.r, vars);
  switch (n.op) {
    case "+":
      return typeof l === "number" && typeof r === "number" ? l + r : `${l ?? ""}${r ?? ""}`;
    case "==":
      return JSON.stringify(l) === JSON.stringify(r);
    case "!=":
      return JSON.stringify(l) !== JSON.stringify(r);
    case "<":
      return (l as number) < (r as number);
    case "<=":
      return (l as number) <= (r as number);
    case ">":
      return (l as number) > (r as number);
    case ">=":
      return (l as number) >= (r as number);
    case "&&":
      return Boolean(l) && Boolean(r);
    default:
      return Boolean(l) || Boolean(r);
  }
}
