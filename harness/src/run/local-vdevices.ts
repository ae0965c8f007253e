/**
 * Starts vdevices for a run that found no device attached (the embedded default) and connects
 * them to the run's adb server; stops and disconnects them at the end.
 *
 * With a home folder the vdevices behave like the phones on a farm's hub: slot i keeps its storage
 * (installed APK, cached frames) and its port — hence its serial — from one run to the next, so
 * nightly runs skip unchanged installs and pushes, and per-device trends continue. Without one (tests)
 * every device is fresh and temporary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RioError } from '../errors.ts';
import { adbConnect, adbDisconnect } from '../devices/index.ts';
import { processAlive } from '../lease/lease-holder.ts';
import { vdevicesOverCores } from '../../vdevice/host-cores.ts';

const CHILD = fileURLToPath(new URL('./vdevice-process.ts', import.meta.url));
/** tsx resolved from here, not from the user's working directory (a run started outside the checkout). */
const TSX = import.meta.resolve('tsx');
const START_TIMEOUT_MS = 60_000;

export interface LocalVdevices { serials: string[]; stop(): Promise<void> }

export interface LocalVdeviceOptions {
  count: number;
  adbPort: number;
  /** profiles, used in turn (default: the vdevice's default profile) */
  profiles?: string[];
  /** faults per device index */
  faults?: string[][];
  /** persistent slots (storage + port); absent: temporary devices */
  home?: string;
  /** every device's slowdown factor (vdevice/device/slowdown.ts; labelled on the device); the slot stays the profile's */
  slowdown?: number;
}

export async function startLocalVdevices(o: LocalVdeviceOptions): Promise<LocalVdevices> {
  const overCores = vdevicesOverCores(o.count);
  if (overCores) process.stderr.write(`${overCores}\n`);
  const children: ChildProcess[] = [];
  const serials: string[] = [];
  const slots: Slot[] = [];
  const stop = async () => {
    await Promise.all(serials.map((s) => adbDisconnect(s, o.adbPort).catch(() => undefined)));
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.stdin?.end();
      setTimeout(() => c.kill('SIGKILL'), 5_000).unref();
    })));
    for (const s of slots) s.release();
  };
  try {
    const started = await Promise.all(Array.from({ length: o.count }, async (_, i) => {
      const profile = o.profiles?.length ? o.profiles[i % o.profiles.length]! : '';
      const slot = o.home ? claimSlot(o.home, profile, i) : undefined;
      if (slot) slots.push(slot);
      const child = spawn(process.execPath,
        ['--import', TSX, CHILD, profile, JSON.stringify(o.faults?.[i] ?? []), String(slot?.port ?? 0), slot?.dataDir ?? '', String(o.slowdown ?? 1)],
        { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      const line = await readFirstLine(child);
      slot?.remember(line.port);
      return line;
    }));
    for (const { serial } of started) {
      await adbConnect(serial, o.adbPort);
      serials.push(serial);
    }
    return { serials, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface Slot { dataDir: string; port: number; remember(port: number): void; release(): void }

/**
 * The first slot for this profile not held by a live process. A slot is a folder with the device's
 * storage, its last port, and a lock naming the pid that runs it (two farms on one host never share).
 */
function claimSlot(home: string, profile: string, index: number): Slot {
  for (let n = index; ; n++) {
    const dir = join(home, `${profile || 'default'}-${n}`);
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'lock');
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder !== process.pid && processAlive(holder)) continue;
      writeFileSync(lock, String(process.pid));
    }
    let port = 0;
    try { port = Number(readFileSync(join(dir, 'port'), 'utf8')) || 0; } catch { /* first use */ }
    return {
      dataDir: join(dir, 'data'),
      port,
      remember: (p) => writeFileSync(join(dir, 'port'), String(p)),
      release: () => rmSync(lock, { force: true }),
    };
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
