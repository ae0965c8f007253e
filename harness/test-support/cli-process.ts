/**
 * `rio-farm …` as a child process, the way users and cron run it, with what the exit tests need:
 * its output so far, when a file (its report) appeared, and when and how it exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const CLI = fileURLToPath(new URL('../bin/rio-farm.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The line main.ts prints when its safety net had to end a command that left something open. */
export const LINGER_LINE = /still running .* after the command finished/;

export interface CliExit { code: number | null; signal: NodeJS.Signals | null; at: number }

export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<CliExit>;
  /** Resolves with the time `file` first exists, or rejects if the process exits before or `withinMs` passes. */
  fileAppears(file: string, withinMs: number): Promise<number>;
  /** Resolves when stderr matches `re`, or rejects if the process exits before or `withinMs` passes. */
  stderrMatches(re: RegExp, withinMs: number): Promise<number>;
  /** SIGKILL if still running (test cleanup). */
  kill(): void;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  let done: CliExit | undefined;
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<CliExit>((resolve) => child.once('exit', (code, signal) => resolve(done = { code, signal, at: Date.now() })));
  const until = async (what: string, seen: () => boolean, withinMs: number) => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      if (seen()) return Date.now();
      if (done) throw new Error(`rio-farm ${args.join(' ')} exited (${done.code ?? done.signal}) before ${what}\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${withinMs} ms from rio-farm ${args.join(' ')}\n${stderr}`);
      await sleep(50);
    }
  };
  return {
    child, exited,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    fileAppears: (file, withinMs) => until(file, () => existsSync(file), withinMs),
    stderrMatches: (re, withinMs) => until(String(re), () => re.test(stderr), withinMs),
    kill: () => { if (!done) child.kill('SIGKILL'); },
  };
}

/** The exit, or an error naming the command when it is still running `withinMs` after `from`. */
export async function exitWithin(cli: CliProcess, from: number, withinMs: number): Promise<CliExit> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${withinMs} ms after its report/error\n${cli.stderr}`)), Math.max(0, from + withinMs - Date.now()));
  });
  try { return await Promise.race([cli.exited, late]); } finally { clearTimeout(timer); }
}
