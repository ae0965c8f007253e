/**
 * The one device facade: every device operation the harness uses (runner, discovery, UI farm, test
 * support), each one an adb command a user could type, with a deadline: a stalled device must
 * surface as a TIMEOUT, never as a harness that hangs forever.
 */
import { Readable } from 'node:stream';
import type { Client, DeviceClient } from '@devicefarmer/adbkit';
import { RioError } from '../errors.ts';
import { readWithinBudget, type TransferBudget } from './transfer-budget.ts';
import { openLogcatStream } from './logcat-stream.ts';
import { pipelinedPush, type PushItem, type RawSync } from './sync-push.ts';
import { classifyAdbFailure } from './adb-failure.js';
import { ADB_BULK_PUSH_TIMEOUT_MS, ADB_CALL_TIMEOUT_MS, ADB_READ_GRACE_MS, ADB_STATE_TIMEOUT_MS, ADB_TRANSFER_TIMEOUT_MS } from './call-deadlines.js';

export { ADB_CALL_TIMEOUT_MS };
/**
 * Most output one shell call may return. The commands the harness sends answer in kilobytes; a
 * device answering without end (tampered firmware) is cut here instead of filling the heap.
 */
export const MAX_SHELL_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Most bytes one `screencap -p` may return: a PNG of a 4K screen stays well below it. */
export const MAX_SCREENCAP_BYTES = 64 * 1024 * 1024;
/** Where `uiautomator dump` writes; /data/local/tmp is writable by the shell user on every Android. */
const UI_DUMP_PATH = '/data/local/tmp/rio-window-dump.xml';

interface SyncLike { pushFile(file: string, path: string): NodeJS.EventEmitter; pull(path: string): NodeJS.ReadableStream; stat(path: string): Promise<unknown>; end(): void }

export interface LogEntry { date: Date; priority: number; tag: string; message: string; pid: number }

export async function withDeadline<T>(p: PromiseLike<T>, ms: number, what: string, serial: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RioError('TIMEOUT', `${what} took longer than ${ms} ms`, { device: serial })), ms);
  });
  try {
    return await Promise.race([Promise.resolve(p), deadline]);
  } catch (err) {
    throw asAdbError(err, what, serial);
  } finally {
    clearTimeout(timer);
  }
}

/** adbkit's errors become ADB_ERROR, or DEVICE_GONE when adb says the device is not there. */
export function asAdbError(err: unknown, what: string, serial: string): RioError {
  if (err instanceof RioError) return err;
  const msg = (err as Error)?.message ?? String(err);
  return new RioError(classifyAdbFailure(msg), `${what}: ${msg}`, { device: serial }, { cause: err });
}

/**
 * Waits for a stream or connection to open within the deadline; one that opens after it is closed
 * at once, since nobody will read it and it would keep a socket to the adb server (and the process) alive.
 */
async function openWithin<T>(opening: PromiseLike<T>, timeoutMs: number, what: string, serial: string, close: (late: T) => void): Promise<T> {
  const p = Promise.resolve(opening);
  return withDeadline(p, timeoutMs, what, serial).catch((err) => {
    p.then((late) => { try { close(late); } catch { /* already closed */ } }, () => undefined);
    throw err;
  });
}

/** `adb -s '' devices` on the client's server: every attached serial and its state. */
export async function attachedDevices(client: Client): Promise<{ id: string; type: string }[]> {
  return withDeadline<{ id: string; type: string }[]>(client.listDevices(), ADB_CALL_TIMEOUT_MS, 'devices', '');
}

/** The serials of the attached devices that are online (not offline or unauthorized), sorted. */
export async function onlineDevices(client: Client): Promise<string[]> {
  return (await attachedDevices(client)).filter((d) => d.type === 'device').map((d) => d.id).sort();
}

export class AdbDevice {
  readonly device: DeviceClient;
  /** `log`, if given, hears every shell command as a user would type it (the Appium driver's debug log). */
  constructor(readonly client: Client, readonly serial: string, private readonly log?: (line: string) => void) {
    this.device = client.getDevice(serial);
  }

  /** `adb -s SERIAL shell CMD` → stdout+stderr as text (adbkit's legacy shell has no exit code). */
  async shell(cmd: string, timeoutMs = ADB_CALL_TIMEOUT_MS, size: Omit<TransferBudget, 'timeoutMs'> = { maxBytes: MAX_SHELL_OUTPUT_BYTES }): Promise<string> {
    this.log?.(`adb -s ${this.serial} shell ${cmd}`);
    const what = `shell ${cmd.slice(0, 60)}`;
    const stream = await openWithin<NodeJS.ReadableStream & { destroy?(): void }>(this.device.shell(cmd), timeoutMs, what, this.serial, (late) => late.destroy?.());
    return withDeadline(readWithinBudget(stream, { ...size, timeoutMs }, what, { device: this.serial }), timeoutMs + ADB_READ_GRACE_MS, what, this.serial)
      .then((b) => b.toString('utf8'));
  }

  /** `adb -s SERIAL exec-out screencap -p` → PNG bytes, within a byte and time budget. */
  async screencap(budget: TransferBudget = { maxBytes: MAX_SCREENCAP_BYTES, timeoutMs: ADB_CALL_TIMEOUT_MS }): Promise<Buffer> {
    const what = 'screencap -p';
    this.log?.(`adb -s ${this.serial} exec-out screencap -p`);
    const stream = await openWithin<NodeJS.ReadableStream & { destroy?(): void }>(this.device.screencap(), budget.timeoutMs, what, this.serial, (late) => late.destroy?.());
    const png = await withDeadline(readWithinBudget(stream, budget, what, { device: this.serial }), budget.timeoutMs + ADB_READ_GRACE_MS, what, this.serial);
    if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) {
      throw new RioError('ADB_ERROR', `${what} did not return a PNG (${png.length} bytes)`, { device: this.serial });
    }
    return png;
  }

  /** `adb -s SERIAL shell uiautomator dump` → the window hierarchy XML (within the shell's output budget). */
  async uiDump(timeoutMs = ADB_CALL_TIMEOUT_MS): Promise<string> {
    const out = await this.shell(`uiautomator dump ${UI_DUMP_PATH} >/dev/null 2>&1; cat ${UI_DUMP_PATH}`, timeoutMs);
    const start = out.indexOf('<?xml') >= 0 ? out.indexOf('<?xml') : out.indexOf('<hierarchy');
    if (start < 0) throw new RioError('ADB_ERROR', `uiautomator dump returned no hierarchy: ${out.slice(0, 200)}`, { device: this.serial });
    return out.slice(start);
  }

  /** `adb -s SERIAL shell input tap X Y` */
  async tap(x: number, y: number): Promise<void> {
    await this.shell(`input tap ${Math.round(x)} ${Math.round(y)}`);
  }

  /** `adb -s SERIAL shell input swipe X1 Y1 X2 Y2 MS` (a long press when both points are equal) */
  async swipe(x1: number, y1: number, x2: number, y2: number, durationMs: number): Promise<void> {
    await this.shell(`input swipe ${[x1, y1, x2, y2].map(Math.round).join(' ')} ${Math.max(0, Math.round(durationMs))}`);
  }

  /** `adb -s SERIAL shell input keyevent CODE` */
  async keyevent(code: number | string): Promise<void> {
    await this.shell(`input keyevent ${code}`);
  }

  /** `adb -s SERIAL shell wm size` → the display size, override first; null if it cannot say. */
  async windowSize(): Promise<{ width: number; height: number } | null> {
    const out = await this.shell('wm size');
    const m = /Override size:\s*(\d+)x(\d+)/.exec(out) ?? /Physical size:\s*(\d+)x(\d+)/.exec(out);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
  }

  /** `adb -s SERIAL shell getprop` */
  async getprops(): Promise<Record<string, string>> {
    return withDeadline(this.device.getProperties(), ADB_CALL_TIMEOUT_MS, 'getprop', this.serial) as Promise<Record<string, string>>;
  }

  /** `adb -s SERIAL get-state` */
  async state(): Promise<string> {
    return withDeadline(this.device.getState(), ADB_STATE_TIMEOUT_MS, 'get-state', this.serial);
  }

  /** `adb -s SERIAL install -r APK` */
  async install(apkPath: string, timeoutMs = ADB_TRANSFER_TIMEOUT_MS): Promise<void> {
    this.log?.(`adb -s ${this.serial} install -r ${apkPath}`);
    await withDeadline(this.device.install(apkPath), timeoutMs, 'install', this.serial).catch((err: RioError) => {
      if (err.code === 'ADB_ERROR') throw new RioError('INSTALL_FAILED', err.message, { device: this.serial }, { cause: err });
      throw err;
    });
  }

  /** `adb -s SERIAL push` of a host file or in-memory bytes. */
  async push(from: string | Buffer, devicePath: string, timeoutMs = ADB_TRANSFER_TIMEOUT_MS): Promise<void> {
    const contents = typeof from === 'string' ? from : Readable.from([from]);
    const transfer = new Promise<void>((resolve, reject) => {
      this.device.push(contents, devicePath).then((t: NodeJS.EventEmitter) => {
        t.on('end', () => resolve());
        t.on('error', reject);
      }, reject);
    });
    await withDeadline(transfer, timeoutMs, `push ${devicePath}`, this.serial);
  }

  /**
   * `adb -s SERIAL push FILE… DIR`: many files (host paths or bytes) over one sync session,
   * pipelined like the adb CLI (sync-push.ts) — the link, not a round trip per file, sets the speed.
   */
  async pushMany(files: readonly PushItem[], onFile?: () => void, timeoutMs = ADB_BULK_PUSH_TIMEOUT_MS): Promise<void> {
    if (files.length === 0) return;
    const what = `push ${files.length} files`;
    this.log?.(`adb -s ${this.serial} push ${files.map((f) => typeof f.from === 'string' ? f.from : '<bytes>').join(' ')} …`);
    const sync = await openWithin<SyncLike & RawSync>(this.device.syncService() as PromiseLike<SyncLike & RawSync>, ADB_CALL_TIMEOUT_MS, 'sync', this.serial, (late) => late.end());
    // ending the session on a deadline also fails the pending reads, so nothing keeps running
    try { await withDeadline(pipelinedPush(sync, files, onFile), timeoutMs, what, this.serial); } finally { sync.end(); }
  }

  /**
   * `adb -s SERIAL pull PATH` into memory within a byte and time budget (over either, the transfer
   * is cancelled); NOT_FOUND-like failures surface as ADB_ERROR.
   */
  async pull(devicePath: string, budget: TransferBudget): Promise<Buffer> {
    const what = `pull ${devicePath}`;
    const sync = await openWithin<SyncLike>(this.device.syncService(), budget.timeoutMs, what, this.serial, (late) => late.end());
    // adbkit ends a pull of a missing file as an empty stream and reports the device's FAIL only
    // afterwards: stat first, so that a missing file is an error and never an empty file
    await withDeadline(sync.stat(devicePath), budget.timeoutMs, what, this.serial).catch((err: unknown) => { sync.end(); throw err; });
    const transfer = sync.pull(devicePath);
    transfer.on('end', () => sync.end());
    // ending the sync connection (not PullTransfer.cancel, whose cancelled read rejects unhandled)
    // stops the device's stream; the transfer's read then fails into its own error handler
    return withDeadline(readWithinBudget(transfer, budget, what, { device: this.serial, file: devicePath }, () => sync.end()),
      budget.timeoutMs + ADB_READ_GRACE_MS, what, this.serial);
  }

  /** `adb -s SERIAL shell ls -l DIR` via the sync service: name → size. Missing dir → empty. */
  async list(dir: string): Promise<Map<string, number>> {
    try {
      const entries = await withDeadline<{ name: string; size: number | bigint; isFile(): boolean }[]>(this.device.readdir(dir), ADB_CALL_TIMEOUT_MS, `ls ${dir}`, this.serial);
      return new Map(entries.filter((e) => e.isFile()).map((e) => [e.name, Number(e.size)]));
    } catch (err) {
      if (err instanceof RioError && err.code !== 'ADB_ERROR') throw err;
      return new Map();
    }
  }

  /** `adb -s SERIAL logcat -B *:I`, parsed; the caller's end() closes the stream. */
  async logcat(onEntry: (e: LogEntry) => void, onEnd: (err?: Error) => void): Promise<{ end(): void }> {
    const stream = await openWithin(openLogcatStream(this.device), ADB_CALL_TIMEOUT_MS, 'logcat', this.serial, (late) => late.close());
    let ended = false;
    const finish = (err?: Error) => { if (!ended) { ended = true; onEnd(err); } };
    stream.reader.on('entry', (e: LogEntry) => onEntry(e));
    stream.reader.on('error', (err: Error) => finish(err));
    stream.reader.on('end', () => finish());
    return { end: () => { ended = true; stream.close(); } };
  }
}

/** An adbkit client for the adb server on a port. */
export { adbClient } from './adb-client.ts';
