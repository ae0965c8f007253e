/**
 * `$((…))` arithmetic expansion as mksh (Android's /system/bin/sh) evaluates it: 32-bit signed
 * integers that wrap, + - * / % with C precedence, unary + - ! ~, comparisons (< <= > >= == !=,
 * 1 or 0), && ||, parentheses, decimal and 0x hex literals, and variable names read as numbers
 * (unset or empty = 0). The expression comes from a client: bad input is an ArithmeticError, and
 * nesting is bounded so a hostile expression cannot exhaust the stack.
 */
export class ArithmeticError extends Error {}

/** Parenthesis/unary nesting allowed; deeper expressions are refused rather than recursed. */
const MAX_NESTING = 256;

type Lookup = (name: string) => string | undefined;

const BINARY: ReadonlyArray<readonly string[]> = [
  ['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%'],
];

/** Evaluates an arithmetic expression; variables are looked up with `lookup`. */
export function evaluateArithmetic(expr: string, lookup: Lookup): number {
  const tokens = tokenizeArithmetic(expr);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => { throw new ArithmeticError(`${expr.trim()}: ${what}`); };

  const variable = (name: string, seen: Set<string>): number => {
    const raw = (lookup(name) ?? '').trim();
    if (raw === '') return 0;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) {
      // mksh reads a variable holding a name as that variable's value (bounded: no cycles)
      if (seen.has(raw) || seen.size > MAX_NESTING) fail('expression recurses');
      return variable(raw, new Set([...seen, name]));
    }
    return literal(raw) ?? fail(`bad number '${raw}'`);
  };

  const binary = (level: number): number => {
    if (level === BINARY.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const op = peek();
      if (op === undefined || !BINARY[level].includes(op)) return left;
      pos++;
      // && and || still parse their right side; mksh does not evaluate it, but nothing here has side effects
      const right = binary(level + 1);
      left = apply(op, left, right, fail);
    }
  };

  const unary = (): number => {
    if (++depth > MAX_NESTING) fail('expression nested too deeply');
    const t = peek();
    let value: number;
    if (t === '-' || t === '+' || t === '!' || t === '~') {
      pos++;
      const v = unary();
      value = t === '-' ? -v | 0 : t === '+' ? v : t === '!' ? Number(v === 0) : ~v;
    } else if (t === '(') {
      pos++;
      value = binary(0);
      if (peek() !== ')') fail("missing ')'");
      pos++;
    } else if (t === undefined) {
      value = fail('missing operand');
    } else if (/^[A-Za-z_]/.test(t)) {
      pos++;
      value = variable(t, new Set());
    } else {
      pos++;
      value = literal(t) ?? fail(`unexpected '${t}'`);
    }
    depth--;
    return value;
  };

  if (tokens.length === 0) return 0; // $(( )) is 0
  const result = binary(0);
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return result;
}

function apply(op: string, a: number, b: number, fail: (what: string) => never): number {
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return b === 0 ? fail('zero divisor') : Math.trunc(a / b) | 0;
    case '%': return b === 0 ? fail('zero divisor') : (a % b) | 0;
    case '<': return Number(a < b);
    case '<=': return Number(a <= b);
    case '>': return Number(a > b);
    case '>=': return Number(a >= b);
    case '==': return Number(a === b);
    case '!=': return Number(a !== b);
    case '&&': return Number(a !== 0 && b !== 0);
    default: return Number(a !== 0 || b !== 0); // '||'
  }
}

/** A decimal or 0x hex literal, wrapped to 32 bits; undefined when `text` is not one. */
function literal(text: string): number | undefined {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|([0-9]+))$/.exec(text);
  if (!m) return undefined;
  return Number(BigInt.asIntN(32, BigInt(m[1] !== undefined ? `0x${m[1]}` : m[2]!)));
}

function tokenizeArithmetic(expr: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||==|!=|<=|>=|[-+*/%()<>!~])/y;
  let i = 0;
  for (;;) {
    while (i < expr.length && /\s/.test(expr[i]!)) i++;
    if (i >= expr.length) break;
    re.lastIndex = i;
    const m = re.exec(expr);
    if (!m) throw new ArithmeticError(`${expr.trim()}: unexpected '${expr[i]}'`);
    tokens.push(m[1]!);
    i = re.lastIndex;
  }
  return tokens;
}
