/** `logcat [-d] [-c] [-B] [-v threadtime|brief|raw|tag] [-s] [-t N] [-m N] [-e RE] [--pid P] [TAG:LEVEL…]`; streams until closed. */
import type { ShellCommand } from '../command.ts';
import { LogFilter, encodeBinary, formatBrief, formatThreadtime, type LogEntry } from '../../device/logcat.ts';

export const logcat: ShellCommand = async (ctx) => {
  let dump = false, binary = false, format = 'threadtime', tailCount: number | undefined, maxCount: number | undefined;
  let pid: number | undefined;
  let regex: RegExp | undefined;
  const specs: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const a = ctx.args[i];
    switch (a) {
      case '-d': dump = true; break;
      case '-c': ctx.device.logcat.clear(); return 0;
      case '-B': binary = true; break;
      case '-v': format = ctx.args[++i] ?? 'threadtime'; break;
      case '-s': specs.unshift('*:S'); break;
      case '-t': tailCount = Number(ctx.args[++i]); dump = true; break;
      case '-T': tailCount = Number(ctx.args[++i]); break;
      case '-m': maxCount = Number(ctx.args[++i]); break;
      case '-e': try { regex = new RegExp(ctx.args[++i] ?? ''); } catch { await ctx.stderr.write('logcat: bad regex\n'); return 1; } break;
      case '--pid': pid = Number(ctx.args[++i]); break;
      case '-b': case '-f': case '-r': case '-n': case '-G': i++; break;
      default:
        if (a.startsWith('--pid=')) pid = Number(a.slice(6));
        else if (a.startsWith('-v')) format = a.slice(2);
        else if (!a.startsWith('-')) specs.push(a);
    }
  }
  const filter = new LogFilter(specs);
  const accepts = (e: LogEntry) => filter.accepts(e) && (pid === undefined || e.pid === pid) && (!regex || regex.test(e.message));
  const render = (e: LogEntry): Buffer | string =>
    binary ? encodeBinary(e)
      : format === 'brief' ? formatBrief(e)
        : format === 'raw' ? `${e.message}\n`
          : format === 'tag' ? `${e.priority}/${e.tag}: ${e.message}\n`
            : formatThreadtime(e);
  let written = 0;
  const limitReached = () => maxCount !== undefined && written >= maxCount;
  let backlog = ctx.device.logcat.snapshot().filter(accepts);
  if (tailCount !== undefined && Number.isFinite(tailCount)) backlog = backlog.slice(-tailCount);
  // subscribe before writing the backlog so nothing logged meanwhile is lost
  const live: LogEntry[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = dump ? () => {} : ctx.device.logcat.subscribe((e) => { if (accepts(e)) { live.push(e); wake?.(); } });
  const onAbort = () => wake?.();
  ctx.signal.addEventListener('abort', onAbort);
  try {
    for (const e of backlog) {
      if (limitReached()) return 0;
      await ctx.stdout.write(render(e));
      written++;
    }
    if (dump) return 0;
    while (!ctx.signal.aborted && !limitReached()) {
      if (live.length === 0) {
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      const batch = live.splice(0);
      for (const e of batch) {
        if (limitReached()) break;
        await ctx.stdout.write(render(e));
        written++;
      }
    }
    return 0;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
};
