import { Command } from 'commander';
import { registerVdevice } from './commands/vdevice.ts';
import { registerDevices } from './commands/devices.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerScenarios } from './commands/scenarios.ts';
import { registerModel } from './commands/model.ts';
import { registerRun } from './commands/run.ts';
import { registerCompare } from './commands/compare.ts';
import { registerServe } from './commands/serve.ts';
import { registerNightly } from './commands/nightly.ts';
import { registerSignoff } from './commands/signoff.ts';
import { registerFarm } from './commands/farm.ts';
import { ExitCode, RioError } from '../errors.ts';
import { terminalText } from '../devices/terminal-text.ts';

/** Builds the `rio-farm` command tree; each area registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('rio-farm')
    .description('Device-farm test harness and benchmark service for the RIO on-device card detector')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerRun, registerNightly, registerSignoff, registerCompare, registerScenarios, registerModel,
    registerVdevice, registerDevices, registerDoctor, registerServe, registerFarm]) {
    register(program);
  }
  return program;
}

/** Commands that keep serving after their action returns; every other command ends with it. */
const SERVING = new Set(['serve']);
/** Closing what a command opened takes well under a second; past this, something leaked. */
export const LINGER_MS = 5_000;

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let serving = false;
  program.hook('postAction', (_root, action) => { serving = SERVING.has(action.name()); });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
  if (!serving) exitIfLingering();
}

/**
 * Safety net, in addition to every command closing what it opened (not instead of it): a handle
 * that a library leaks on some path we did not foresee must not turn a finished nightly job into a
 * process that never exits (cron runs pile up, CI steps time out). The timer is unref'd, so it
 * never holds the process itself; when it fires it names what was left open, so the leak is seen
 * and fixed — and the exit tests fail on that line.
 */
function exitIfLingering(): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').join(', ');
    process.stderr.write(`rio-farm: still running ${LINGER_MS / 1000} s after the command finished (left open: ${open || 'unknown'}); exiting\n`);
    process.exit(process.exitCode ?? ExitCode.Ok);
  }, LINGER_MS).unref();
}

/** Prints an error the way users should see it and returns its documented exit code. */
function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number };
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    // commander has already printed help or the usage error.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? ExitCode.Ok : ExitCode.BadInput;
  }
  if (err instanceof RioError) {
    // messages quote devices (file names, getprop values, app errors): no control characters reach the terminal
    process.stderr.write(`rio-farm: ${err.code}: ${terminalText(err.message, { multiline: true })}\n`);
    return err.exitCode;
  }
  process.stderr.write(`rio-farm: unexpected error: ${terminalText((err as Error)?.stack ?? String(err), { multiline: true })}\n`);
  return ExitCode.Infrastructure;
}
