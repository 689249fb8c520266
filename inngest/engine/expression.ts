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

export function evaluate(src: string, vars: Record<string, unknown>): unknown {
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

  const primary = (): unknown => {
    const tok = tokens[pos++];
    if (!tok) throw new Error(`expression: unexpected end of ${src}`);
    if (tok.t === "str") return tok.v;
    if (tok.t === "num") return Number(tok.v);
    if (tok.t === "id") {
      if (tok.v === "true") return true;
      if (tok.v === "false") return false;
      if (tok.v === "null") return null;
      let cur: unknown = vars;
      for (const key of tok.v.split(".")) {
        cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
      }
      return cur ?? null;
    }
    if (tok.v === "(") {
      const v = or();
      if (!eat(")")) throw new Error(`expression: missing ) in ${src}`);
      return v;
    }
    if (tok.v === "!") return !primary();
    throw new Error(`expression: unexpected "${tok.v}" in ${src}`);
  };
  const sum = (): unknown => {
    let v = primary();
    while (eat("+")) {
      const r = primary();
      v = typeof v === "number" && typeof r === "number" ? v + r : `${v ?? ""}${r ?? ""}`;
    }
    return v;
  };
  const compare = (): unknown => {
    const l = sum();
    const op = peek();
    if (op?.t !== "op" || !["==", "!=", "<", "<=", ">", ">="].includes(op.v)) return l;
    pos++;
    const r = sum();
    switch (op.v) {
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
      default:
        return (l as number) >= (r as number);
    }
  };
  const and = (): unknown => {
    let v = compare();
    while (eat("&&")) {
      const r = compare();
      v = Boolean(v) && Boolean(r);
    }
    return v;
  };
  const or = (): unknown => {
    let v = and();
    while (eat("||")) {
      const r = and();
      v = Boolean(v) || Boolean(r);
    }
    return v;
  };

  const result = or();
  if (pos !== tokens.length) throw new Error(`expression: unexpected "${tokens[pos]!.v}" in ${src}`);
  return result;
}
