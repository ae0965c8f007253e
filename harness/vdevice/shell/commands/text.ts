/** Text filters clients pipe into: grep, head, tail, wc, cat. They stream from stdin. */
import { fail, type ShellCommand, type CommandContext } from '../command.ts';
import { errnoText } from '../../fs/device-fs.ts';

/** Lines from the named files, or from stdin when there are none. */
async function* inputLines(ctx: CommandContext, files: string[]): AsyncGenerator<string> {
  if (files.length === 0) {
    yield* ctx.stdin.lines();
    return;
  }
  for (const f of files) {
    const text = ctx.device.fs.readFile(ctx.device.fs.normalize(f, ctx.cwd)).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    yield* lines;
  }
}

export const grep: ShellCommand = async (ctx) => {
  let invert = false, ignoreCase = false, count = false, fixed = false, quiet = false, extended = false;
  const rest: string[] = [];
  let pattern: string | undefined;
  for (let i = 0; i < ctx.args.length; i++) {
    const a = ctx.args[i];
    if (a === '-e') { pattern = ctx.args[++i]; continue; }
    if (/^-[vicFqE]+$/.test(a)) {
      invert ||= a.includes('v'); ignoreCase ||= a.includes('i'); count ||= a.includes('c');
      fixed ||= a.includes('F'); quiet ||= a.includes('q'); extended ||= a.includes('E');
      continue;
    }
    if (pattern === undefined) pattern = a;
    else rest.push(a);
  }
  if (pattern === undefined) return fail(ctx, 'no pattern', 2);
  let re: RegExp;
  try {
    const src = fixed ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : extended ? pattern : pattern.replace(/\\\|/g, '|');
    re = new RegExp(src, ignoreCase ? 'i' : '');
  } catch {
    return fail(ctx, `bad regex '${pattern}'`, 2);
  }
  let n = 0;
  try {
    for await (const line of inputLines(ctx, rest)) {
      if (re.test(line) !== invert) {
        n++;
        if (quiet) return 0;
        if (!count) await ctx.stdout.write(line + '\n');
      }
    }
  } catch (err) {
    return fail(ctx, errnoText(err), 2);
  }
  if (count) await ctx.stdout.write(`${n}\n`);
  return n > 0 ? 0 : 1;
};

function lineCount(ctx: CommandContext): { n: number; files: string[] } {
  let n = 10;
  const files: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const a = ctx.args[i];
    if (a === '-n') n = Number(ctx.args[++i]);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  return { n: Number.isFinite(n) ? n : 10, files };
}

export const head: ShellCommand = async (ctx) => {
  const bytesAt = ctx.args.indexOf('-c');
  if (bytesAt >= 0) {
    const n = Number(ctx.args[bytesAt + 1]);
    const files = ctx.args.filter((_a, i) => i !== bytesAt && i !== bytesAt + 1);
    const data = files.length
      ? Buffer.concat(files.map((f) => ctx.device.fs.readFile(ctx.device.fs.normalize(f, ctx.cwd))))
      : await ctx.stdin.readAll();
    await ctx.stdout.write(data.subarray(0, Number.isFinite(n) ? Math.max(0, n) : 0));
    return 0;
  }
  const { n, files } = lineCount(ctx);
  let i = 0;
  if (n <= 0) return 0;
  for await (const line of inputLines(ctx, files)) {
    await ctx.stdout.write(line + '\n');
    if (++i >= n) break;
  }
  return 0;
};

export const tail: ShellCommand = async (ctx) => {
  const { n, files } = lineCount(ctx);
  const keep: string[] = [];
  for await (const line of inputLines(ctx, files)) {
    keep.push(line);
    if (keep.length > n) keep.shift();
  }
  if (keep.length) await ctx.stdout.write(keep.join('\n') + '\n');
  return 0;
};

export const wc: ShellCommand = async (ctx) => {
  const flags = ctx.args.filter((a) => a.startsWith('-')).join('');
  const files = ctx.args.filter((a) => !a.startsWith('-'));
  const data = files.length
    ? Buffer.concat(files.map((f) => ctx.device.fs.readFile(ctx.device.fs.normalize(f, ctx.cwd))))
    : await ctx.stdin.readAll();
  const text = data.toString('utf8');
  const lines = (text.match(/\n/g) ?? []).length;
  const words = text.split(/\s+/).filter(Boolean).length;
  const out: number[] = [];
  if (!flags || flags.includes('l')) out.push(lines);
  if (!flags || flags.includes('w')) out.push(words);
  if (!flags || flags.includes('c')) out.push(data.length);
  await ctx.stdout.write(out.join(' ') + (files.length ? ` ${files.join(' ')}` : '') + '\n');
  return 0;
};

export const cat: ShellCommand = async (ctx) => {
  const files = ctx.args.filter((a) => a !== '-');
  if (files.length === 0) {
    for await (const c of ctx.stdin.chunksIterable()) await ctx.stdout.write(c);
    return 0;
  }
  let status = 0;
  for (const f of files) {
    try {
      const path = ctx.device.fs.normalize(f, ctx.cwd);
      if (ctx.device.firmware?.isEndless(path)) { await ctx.device.firmware.streamForever((b) => ctx.stdout.write(b), ctx.signal); continue; }
      await ctx.stdout.write(ctx.device.fs.readFile(path));
    } catch (err) {
      await ctx.stderr.write(`cat: ${f}: ${errnoText(err)}\n`);
      status = 1;
    }
  }
  return status;
};
