/**
 * A small evaluator for Kintone CALC formulas: numbers, field codes, + - * / ^, parentheses, unary minus, and
 * SUM(field) over a table's column. That covers the arithmetic most apps use; any other formula (IF, ROUND,
 * DATE_FORMAT, text concatenation, …) evaluates to undefined and the sandbox leaves the value empty.
 */

type Lookup = (code: string) => number | number[] | undefined;

class Unsupported extends Error {}

export function evaluateFormula(expression: string, lookup: Lookup): number | undefined {
  const tokens = expression.match(
    /\s*(\d+(?:\.\d+)?|[A-Za-z_\u3040-\u30ff\u3400-\u9fff\uff10-\uff5a][\w\u3040-\u30ff\u3400-\u9fff\uff10-\uff5a・＿]*|\*\*|[-+*/^(),])/gy,
  );
  if (tokens === null || tokens.join("").replace(/\s/g, "") !== expression.replace(/\s/g, ""))
    return undefined;
  const list = tokens.map((t) => t.trim());
  let i = 0;
  const peek = () => list[i];
  const next = () => list[i++];

  const primary = (): number => {
    const token = next();
    if (token === undefined) throw new Unsupported();
    if (token === "(") {
      const value = sum();
      if (next() !== ")") throw new Unsupported();
      return value;
    }
    if (token === "-") return -power();
    if (token === "+") return power();
    if (/^\d/.test(token)) return Number(token);
    if (peek() === "(") {
      if (token.toUpperCase() !== "SUM") throw new Unsupported();
      next();
      let total = 0;
      do {
        const arg = next();
        if (arg === undefined) throw new Unsupported();
        const value = lookup(arg);
        if (Array.isArray(value)) total += value.reduce((a, b) => a + b, 0);
        else if (typeof value === "number") total += value;
        else throw new Unsupported();
      } while (peek() === "," && next() === ",");
      if (next() !== ")") throw new Unsupported();
      return total;
    }
    const value = lookup(token);
    if (typeof value !== "number") throw new Unsupported();
    return value;
  };
  const power = (): number => {
    const base = primary();
    if (peek() === "^") {
      next();
      return base ** power();
    }
    return base;
  };
  const product = (): number => {
    let value = power();
    while (peek() === "*" || peek() === "/") {
      const op = next();
      const right = power();
      value = op === "*" ? value * right : value / right;
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === "+" || peek() === "-") {
      const op = next();
      const right = product();
      value = op === "+" ? value + right : value - right;
    }
    return value;
  };
  try {
    const value = sum();
    if (i !== list.length || !Number.isFinite(value)) return undefined;
    return value;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Kintone's number text: no trailing zeros, no exponent for ordinary values. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(15)));
}
