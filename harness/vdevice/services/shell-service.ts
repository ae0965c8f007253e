/**
 * `shell:` (legacy: raw bytes, stderr merged, no exit code), `shell,v2,…:` (framed: stdin 0,
 * stdout 1, stderr 2, exit 3, close-stdin 4, window-size 5; each frame [id u8][len u32 LE]) and
 * `exec:` (raw, stdin passed through — `adb install` streams APKs through it).
 * An empty command starts an interactive shell reading command lines from stdin.
 */
import type { AdbStream } from '../transport/stream.ts';
import type { DeviceCore } from '../device/core.ts';
import { Shell, type ShellIo } from '../shell/interpreter.ts';
import { Pipe, pipeOf, type Sink } from '../shell/io.ts';
import { COMMANDS } from '../shell/commands/index.ts';
import { ChunkQueue } from '../transport/chunk-queue.ts';

const ID_STDIN = 0, ID_STDOUT = 1, ID_STDERR = 2, ID_EXIT = 3, ID_CLOSE_STDIN = 4;
/**
 * Longest shell-protocol frame accepted from the host. adbd's shell protocol buffer holds one
 * transport payload (MAX_PAYLOAD, 1 MiB) and it closes the stream on a longer header; without a
 * bound a header claiming 4 GiB would make us buffer whatever follows.
 */
export const MAX_SHELL_V2_FRAME = 1024 * 1024;

function frame(id: number, data: Buffer): Buffer {
  const b = Buffer.allocUnsafe(5 + data.length);
  b[0] = id;
  b.writeUInt32LE(data.length, 1);
  data.copy(b, 5);
  return b;
}

class FramedSink implements Sink {
  constructor(private readonly stream: AdbStream, private readonly id: number) {}
  write(data: Buffer | string): Promise<void> {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    return b.length ? this.stream.write(frame(this.id, b)) : Promise.resolve();
  }
}

/** Feeds shell-protocol frames from the host into stdin; other frame types are honoured or ignored. */
function framedInput(stream: AdbStream, stdin: Pipe): void {
  const pending = new ChunkQueue();
  let header: Buffer | undefined;
  stream.onData(async (data) => {
    pending.push(data);
    for (;;) {
      if (!header) {
        if (pending.size < 5) break;
        header = pending.take(5);
      }
      const len = header.readUInt32LE(1);
      if (len > MAX_SHELL_V2_FRAME) {
        pending.clear();
        stdin.end();
        stream.end();
        return;
      }
      if (pending.size < len) break;
      const id = header[0];
      const body = pending.take(len);
      header = undefined;
      if (id === ID_STDIN) await stdin.write(body);
      else if (id === ID_CLOSE_STDIN) stdin.end();
    }
  });
}

export function startShell(device: DeviceCore, stream: AdbStream, kind: 'legacy' | 'v2' | 'exec', command: string): void {
  const stdin = new Pipe();
  stream.signal.addEventListener('abort', () => stdin.end(), { once: true });
  let io: ShellIo;
  if (kind === 'v2') {
    framedInput(stream, stdin);
    io = { stdin, stdout: new FramedSink(stream, ID_STDOUT), stderr: new FramedSink(stream, ID_STDERR), signal: stream.signal };
  } else {
    stream.onData((data) => stdin.write(data));
    io = { stdin, stdout: stream, stderr: stream, signal: stream.signal };
  }
  const shell = new Shell(device, COMMANDS);
  const run = command.trim() === '' ? interactive(shell, io, device) : shell.run(command, io);
  void run.then(
    async (status) => {
      if (kind === 'v2') await stream.write(frame(ID_EXIT, Buffer.from([status & 0xff])));
      stream.end();
    },
    async (err: unknown) => {
      await io.stderr.write(`/system/bin/sh: internal error: ${(err as Error)?.message ?? err}\n`);
      if (kind === 'v2') await stream.write(frame(ID_EXIT, Buffer.from([1])));
      stream.end();
    },
  );
}

/** `adb shell` with no command: a prompt, one line at a time, until `exit` or EOF. */
async function interactive(shell: Shell, io: ShellIo, device: DeviceCore): Promise<number> {
  const prompt = () => io.stdout.write(`${device.profile.product.device}:${shell.cwd} $ `);
  await prompt();
  let status = 0;
  for await (const raw of io.stdin.lines()) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*exit\b/.test(line)) break;
    status = await shell.run(line, { ...io, stdin: pipeOf() });
    await prompt();
  }
  return status;
}
