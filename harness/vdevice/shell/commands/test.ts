/** `test EXPR` / `[ EXPR ]`: file tests (-e -f -d -s), string (= != -z -n), integer (-eq -ne -lt -le -gt -ge), !, -a, -o. */
import type { ShellCommand, CommandContext } from '../command.ts';

function fileTest(ctx: CommandContext, op: string, path: string): boolean {
  let st;
  try {
    st = ctx.device.fs.stat(ctx.device.fs.normalize(path, ctx.cwd));
  } catch {
    return false;
  }
  if (!st) return false;
  switch (op) {
    case '-e': return true;
    case '-f': return st.isFile();
    case '-d': return st.isDirectory();
    case '-s': return st.size > 0;
    case '-r': case '-w': case '-x': return true;
    default: return false;
  }
}

/** Evaluates args; throws on malformed expressions (status 2). */
function evaluate(ctx: CommandContext, args: string[]): boolean {
  const or = args.indexOf('-o');
  if (or > 0) return evaluate(ctx, args.slice(0, or)) || evaluate(ctx, args.slice(or + 1));
  const and = args.indexOf('-a');
  if (and > 0) return evaluate(ctx, args.slice(0, and)) && evaluate(ctx, args.slice(and + 1));
  if (args[0] === '!') return !evaluate(ctx, args.slice(1));
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    const [op, v] = args;
    if (op === '-z') return v === '';
    if (op === '-n') return v !== '';
    if (/^-[efdsrwx]$/.test(op)) return fileTest(ctx, op, v);
    throw new Error(`${op}: unknown operand`);
  }
  if (args.length === 3) {
    const [a, op, b] = args;
    const n = (x: string) => { if (!/^-?\d+$/.test(x.trim())) throw new Error(`${x}: bad number`); return Number(x); };
    switch (op) {
      case '=': case '==': return a === b;
      case '!=': return a !== b;
      case '-eq': return n(a) === n(b);
      case '-ne': return n(a) !== n(b);
      case '-lt': return n(a) < n(b);
      case '-le': return n(a) <= n(b);
      case '-gt': return n(a) > n(b);
      case '-ge': return n(a) >= n(b);
    }
  }
  throw new Error('syntax error');
}

export const testCommand: ShellCommand = async (ctx) => {
  let args = ctx.args;
  if (ctx.name === '[' || ctx.name.endsWith('/[')) {
    if (args[args.length - 1] !== ']') {
      await ctx.stderr.write("[: missing ']'\n");
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evaluate(ctx, args) ? 0 : 1;
  } catch (err) {
    await ctx.stderr.write(`${ctx.name}: ${(err as Error).message}\n`);
    return 2;
  }
};
