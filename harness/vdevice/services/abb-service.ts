/**
 * `abb_exec:SERVICE\0ARG\0…`: Android Binder Bridge, raw. `adb install` on a device advertising
 * abb_exec opens `abb_exec:package\0install\0-S\0SIZE` and streams the APK as stdin.
 */
import type { AdbStream } from '../transport/stream.ts';
import type { DeviceCore } from '../device/core.ts';
import { Pipe } from '../shell/io.ts';
import { COMMANDS } from '../shell/commands/index.ts';
import type { CommandContext } from '../shell/command.ts';

export function startAbbExec(device: DeviceCore, stream: AdbStream, argString: string): void {
  const args = argString.split('\0');
  const stdin = new Pipe();
  stream.onData((d) => stdin.write(d));
  stream.signal.addEventListener('abort', () => stdin.end(), { once: true });
  const cmd = COMMANDS.get('cmd')!;
  const ctx: CommandContext = {
    name: 'abb', args, stdin, stdout: stream, stderr: stream, env: new Map(), cwd: '/', device, signal: stream.signal,
    runScript: async () => 127,
  };
  void cmd(ctx).catch(async (err: unknown) => { await stream.write(`Exception: ${(err as Error)?.message}\n`); }).finally(() => stream.end());
}
