/**
 * Starts vdevices for a run that found no device attached (the embedded default) and connects
 * them to the run's adb server; stops and disconnects them at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RioError } from '../errors.ts';
import { adbConnect, adbDisconnect } from '../devices/index.ts';

const CHILD = fileURLToPath(new URL('./vdevice-process.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface LocalVdevices { serials: string[]; stop(): Promise<void> }

export async function startLocalVdevices(count: number, adbPort: number, profile?: string, faults: string[][] = []): Promise<LocalVdevices> {
  const children: ChildProcess[] = [];
  const serials: string[] = [];
  const stop = async () => {
    await Promise.all(serials.map((s) => adbDisconnect(s, adbPort).catch(() => undefined)));
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.stdin?.end();
      setTimeout(() => c.kill('SIGKILL'), 5_000).unref();
    })));
  };
  try {
    const started = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, profile ?? '', JSON.stringify(faults[i] ?? [])],
        { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      return readFirstLine(child);
    }));
    for (const { serial } of started) {
      await adbConnect(serial, adbPort);
      serials.push(serial);
    }
    return { serials, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readFirstLine(child: ChildProcess): Promise<{ serial: string; port: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RioError('DEVICE_GONE', 'vdevice did not start in time')), START_TIMEOUT_MS);
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => { clearTimeout(timer); rl.close(); resolve(JSON.parse(line) as { serial: string; port: number }); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new RioError('DEVICE_GONE', `vdevice process exited with ${code} before listening`)); });
  });
}
