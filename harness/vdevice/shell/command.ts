/** What a shell command (getprop, pm, ls …) receives and returns. */
import type { Pipe, Sink } from './io.ts';
import type { DeviceCore } from '../device/core.ts';

export interface CommandContext {
  /** argv[0] as typed */
  readonly name: string;
  readonly args: string[];
  readonly stdin: Pipe;
  readonly stdout: Sink;
  readonly stderr: Sink;
  /** shell variables (exported or not; commands only read them) */
  readonly env: Map<string, string>;
  readonly cwd: string;
  readonly device: DeviceCore;
  /** aborted when the client closes the stream or a later pipeline stage exits */
  readonly signal: AbortSignal;
  /** runs a script in a child shell with the same io (sh -c, exec) */
  runScript(script: string): Promise<number>;
}

/** Returns the exit status. */
export type ShellCommand = (ctx: CommandContext) => Promise<number>;

/** Writes `/system/bin/sh: …`-style usage errors and returns the status. */
export async function fail(ctx: CommandContext, message: string, status = 1): Promise<number> {
  await ctx.stderr.write(`${ctx.name}: ${message}\n`);
  return status;
}
