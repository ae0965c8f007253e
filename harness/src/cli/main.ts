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
import { ExitCode, RioError } from '../errors.ts';

/** Builds the `rio-farm` command tree; each area registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('rio-farm')
    .description('Device-farm test harness and benchmark service for the RIO on-device card detector')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerRun, registerNightly, registerCompare, registerScenarios, registerModel,
    registerVdevice, registerDevices, registerDoctor, registerServe]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** Prints an error the way users should see it and returns its documented exit code. */
function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number };
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    // commander has already printed help or the usage error.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? ExitCode.Ok : ExitCode.BadInput;
  }
  if (err instanceof RioError) {
    process.stderr.write(`rio-farm: ${err.code}: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`rio-farm: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.Infrastructure;
}
