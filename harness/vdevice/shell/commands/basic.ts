/** Small builtin-like commands: echo, sleep, true, false, sh, id, whoami, pwd, uname, date, pidof, ps. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShellCommand } from '../command.ts';

export const echo: ShellCommand = async (ctx) => {
  let args = ctx.args;
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    if (args[0].includes('e')) escapes = true;
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
  await ctx.stdout.write(newline ? text + '\n' : text);
  return 0;
};

export const sleepCommand: ShellCommand = async (ctx) => {
  const seconds = Number(ctx.args[0]);
  if (!Number.isFinite(seconds) || seconds < 0) {
    await ctx.stderr.write(`sleep: invalid number '${ctx.args[0] ?? ''}'\n`);
    return 1;
  }
  try {
    await sleep(seconds * 1000, undefined, { signal: ctx.signal });
  } catch {
    return 130;
  }
  return 0;
};

export const trueCommand: ShellCommand = async () => 0;
export const falseCommand: ShellCommand = async () => 1;

export const sh: ShellCommand = async (ctx) => {
  if (ctx.args[0] === '-c' && ctx.args[1] !== undefined) return ctx.runScript(ctx.args[1]);
  const script = (await ctx.stdin.readAll()).toString('utf8');
  return ctx.runScript(script);
};

export const id: ShellCommand = async (ctx) => {
  await ctx.stdout.write('uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),3003(inet) context=u:r:shell:s0\n');
  return 0;
};

export const whoami: ShellCommand = async (ctx) => {
  await ctx.stdout.write('shell\n');
  return 0;
};

export const pwd: ShellCommand = async (ctx) => {
  await ctx.stdout.write(ctx.cwd + '\n');
  return 0;
};

export const uname: ShellCommand = async (ctx) => {
  const all = ctx.args.includes('-a');
  const m = ctx.device.profile.abi[0].includes('64') ? 'aarch64' : 'armv7l';
  await ctx.stdout.write(all ? `Linux localhost 5.10.0-rio-virtual #1 SMP PREEMPT ${m} Toybox\n` : ctx.args.includes('-m') ? `${m}\n` : 'Linux\n');
  return 0;
};

export const date: ShellCommand = async (ctx) => {
  const now = new Date();
  await ctx.stdout.write(ctx.args[0] === '+%s' ? `${Math.floor(now.getTime() / 1000)}\n` : `${now.toUTCString().replace('GMT', 'UTC')}\n`);
  return 0;
};

export const pidof: ShellCommand = async (ctx) => {
  const pids = ctx.args.map((p) => ctx.device.am.pidOf(p)).filter((p): p is number => p !== undefined);
  if (!pids.length) return 1;
  await ctx.stdout.write(pids.join(' ') + '\n');
  return 0;
};

export const ps: ShellCommand = async (ctx) => {
  const rows = ['USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME',
    `system        ${ctx.device.systemPid}   1  1000000 200000 0                   0 S system_server`,
    `shell         ${ctx.device.shellPid}   1    10000   3000 0                   0 S sh`];
  for (const pkg of ctx.device.packages.list()) {
    const pid = ctx.device.am.pidOf(pkg.name);
    if (pid) rows.push(`u0_a${pkg.userId % 1000}     ${pid}   1  5000000 150000 0                   0 S ${pkg.name}`);
  }
  await ctx.stdout.write(rows.join('\n') + '\n');
  return 0;
};
