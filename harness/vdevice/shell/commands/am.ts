/** `am start [-W] [-S] -n PKG/.Activity --es/--ei/--ez/--ef/--el …`, `am force-stop`, `am kill`, `am broadcast`. */
import type { ShellCommand, CommandContext } from '../command.ts';

interface Intent {
  component?: string;
  action?: string;
  extras: Record<string, string | number | boolean>;
  wait: boolean;
  stopFirst: boolean;
}

/** Parses intent arguments; returns an error text on a bad value, as am does. */
function parseIntent(args: string[]): Intent | string {
  const intent: Intent = { extras: {}, wait: false, stopFirst: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const key = args[i + 1];
    const value = args[i + 2];
    switch (a) {
      case '-W': intent.wait = true; break;
      case '-S': intent.stopFirst = true; break;
      case '-n': intent.component = args[++i]; break;
      case '-a': intent.action = args[++i]; break;
      case '-c': case '-d': case '-t': case '-f': case '--user': i++; break;
      case '--es': case '-e':
        if (key === undefined || value === undefined) return `Error: No value given for ${a}`;
        intent.extras[key] = value; i += 2; break;
      case '--ei': case '--el': case '--ef': case '--ed': {
        if (key === undefined || value === undefined) return `Error: No value given for ${a}`;
        const n = Number(value);
        const integral = a === '--ei' || a === '--el';
        if (value.trim() === '' || !Number.isFinite(n) || (integral && !Number.isInteger(n))) {
          return `Error: Invalid ${integral ? 'integer' : 'float'} argument: ${value}`;
        }
        intent.extras[key] = n; i += 2; break;
      }
      case '--ez': {
        if (key === undefined || value === undefined) return `Error: No value given for ${a}`;
        const v = value.toLowerCase();
        if (!['true', 'false', '1', '0', 't', 'f'].includes(v)) return `Error: Invalid boolean argument: ${value}`;
        intent.extras[key] = v === 'true' || v === '1' || v === 't'; i += 2; break;
      }
      case '--esn': intent.extras[args[++i] ?? ''] = ''; break;
      default:
        if (a.startsWith('-')) return `Error: Unknown option: ${a}`;
        intent.component ??= a;
    }
  }
  return intent;
}

async function start(ctx: CommandContext, args: string[]): Promise<number> {
  const intent = parseIntent(args);
  if (typeof intent === 'string') {
    await ctx.stderr.write(intent + '\n');
    return 1;
  }
  if (!intent.component) {
    await ctx.stderr.write('Error: Intent does not match any activities\n');
    return 1;
  }
  const outcome = await ctx.device.am.start({ component: intent.component, extras: intent.extras, wait: intent.wait, stopFirst: intent.stopFirst });
  await ctx.stdout.write(outcome.lines.join('\n') + '\n');
  return outcome.status;
}

export const am: ShellCommand = async (ctx) => {
  const [sub, ...rest] = ctx.args;
  switch (sub) {
    case 'start': case 'start-activity':
      return start(ctx, rest);
    case 'force-stop': case 'kill':
      for (const pkg of rest.filter((a) => !a.startsWith('-'))) ctx.device.am.forceStop(pkg, `from pid ${ctx.device.shellPid}`);
      return 0;
    case 'broadcast': {
      const intent = parseIntent(rest);
      if (typeof intent === 'string') {
        await ctx.stderr.write(intent + '\n');
        return 1;
      }
      const parts = [intent.action ? `act=${intent.action}` : '', intent.component ? `cmp=${intent.component}` : '', 'flg=0x400000'].filter(Boolean);
      ctx.device.logcat.append(ctx.device.systemPid, 'I', 'ActivityManager', `Broadcast ${intent.action ?? ''} from shell`);
      await ctx.stdout.write(`Broadcasting: Intent { ${parts.join(' ')}${Object.keys(intent.extras).length ? ' (has extras)' : ''} }\nBroadcast completed: result=0\n`);
      return 0;
    }
    default:
      await ctx.stderr.write(sub ? `Error: Unknown command: ${sub}\n` : 'usage: am [start|force-stop|kill|broadcast] ...\n');
      return 1;
  }
};
