/**
 * A running vdevice: a TCP listener speaking the device side of adb (what `adb connect
 * 127.0.0.1:PORT` reaches), the DeviceCore behind it, and the link-level faults (disconnect,
 * stall, slow link) and timed faults (storage full) scheduled against it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { AdbConnection } from '../transport/connection.ts';
import { parseAdbPublicKey } from '../transport/auth.ts';
import { DeviceCore, DEFAULT_ADB_FEATURES } from './core.ts';
import { loadProfile, type DeviceProfile } from './profile.ts';
import { withSlowdown } from './slowdown.ts';
import type { DeviceEventName, Fault } from './faults.ts';
import { openService } from '../services/index.ts';
import { RioError } from '../../src/errors.ts';

/**
 * Host connections served at once. One adb server holds one; a few more are tools connecting
 * directly. Past this a new TCP connection is closed at once, as a phone's adbd that cannot take
 * another transport: a client looping on connect must not exhaust the device's sockets.
 */
export const MAX_CONNECTIONS = 8;

export interface VirtualDeviceOptions {
  /** TCP port to listen on; 0 or absent picks a free one */
  port?: number;
  /** profile name (harness/vdevice/profiles) or a loaded profile */
  profile?: string | DeviceProfile;
  /** the device's filesystem root; a temp dir (removed on stop) when absent */
  dataDir?: string;
  faults?: Fault[];
  /** adbkey.pub contents allowed to connect; AUTH is off when absent */
  authorizedKeys?: string[];
  /** the app twin spends this factor of its inference cost (device/slowdown.ts); 1 or absent: none */
  slowdown?: number;
  /** adb features advertised in CNXN (default: shell_v2, cmd, stat_v2, ls_v2, fixed_push_mkdir, abb_exec) */
  adbFeatures?: string[];
}

export class VirtualDevice {
  core!: DeviceCore;
  readonly profile: DeviceProfile;
  readonly dataDir: string;
  private server: Server | undefined;
  private readonly connections = new Set<AdbConnection>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly fired = new Set<Fault>();
  private readonly keys: KeyObject[] | undefined;
  private readonly ownsDataDir: boolean;
  private stallUntil = 0;
  private stallGate: Promise<void> | undefined;
  private stopped = false;
  port: number;

  private constructor(private readonly opts: VirtualDeviceOptions) {
    this.profile = withSlowdown(typeof opts.profile === 'object' ? opts.profile : loadProfile(opts.profile), opts.slowdown);
    this.ownsDataDir = !opts.dataDir;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rio-vdevice-'));
    this.keys = opts.authorizedKeys?.map((k) => parseAdbPublicKey(k));
    this.port = opts.port ?? 0;
  }

  static async start(opts: VirtualDeviceOptions): Promise<VirtualDevice> {
    const d = new VirtualDevice(opts);
    await d.listen();
    d.boot();
    return d;
  }

  get serial(): string {
    return `127.0.0.1:${this.port}`;
  }

  get faults(): Fault[] {
    return this.opts.faults ?? [];
  }

  /** Number of live host connections (the adb server holds one). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops everything; the data dir is removed if the device created it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.core.shutdown();
    await this.unlisten();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A reboot: connections drop, apps die, the filesystem and installed packages stay. */
  async restart(): Promise<void> {
    this.clearTimers();
    this.core.shutdown();
    await this.unlisten();
    this.stallUntil = 0;
    await this.listen();
    this.boot();
  }

  /** Drops every connection and refuses new ones; back after downSec, or only on restart(). */
  async disconnect(downSec?: number): Promise<void> {
    this.core.logcat.append(this.core.systemPid, 'W', 'adbd', 'fault: disconnect');
    await this.unlisten();
    if (downSec !== undefined) this.later(downSec, () => void this.listen());
  }

  /** Stops answering for forSec: packets are held, not dropped, as on a hung link. */
  stall(forSec: number): void {
    this.stallUntil = Date.now() + forSec * 1000;
    this.stallGate = new Promise((resolve) => this.later(forSec, () => { this.stallGate = undefined; resolve(); }));
  }

  private boot(): void {
    this.core = new DeviceCore(this.profile, this.serial, this.dataDir, this.faults, this.opts.adbFeatures ?? DEFAULT_ADB_FEATURES);
    // `adb reboot`: answer first, then drop the link and come back, like a phone rebooting
    this.core.reboot = () => this.later(0.2, () => void this.restart());
    this.core.events.on('device-event', (name: DeviceEventName, detail: Record<string, string | number>) => this.onEvent(name, detail));
    for (const f of this.faults) {
      if (this.fired.has(f)) continue;
      if (f.kind === 'storage-full') {
        if (f.afterSec) this.later(f.afterSec, () => { this.core.fs.full = true; });
        else this.core.fs.full = true;
      } else if ((f.kind === 'disconnect' || f.kind === 'stall') && f.afterSec !== undefined && !f.atEvent) {
        this.later(f.afterSec, () => this.trigger(f));
      }
    }
  }

  private onEvent(name: DeviceEventName, detail: Record<string, string | number>): void {
    for (const f of this.faults) {
      if ((f.kind !== 'disconnect' && f.kind !== 'stall') || f.atEvent !== name || this.fired.has(f)) continue;
      if (name === 'frame' && f.frame !== undefined && detail.frame !== f.frame) continue;
      if (f.afterSec) this.later(f.afterSec, () => this.trigger(f));
      else this.trigger(f);
    }
  }

  private trigger(f: Fault): void {
    if (this.fired.has(f) || this.stopped) return;
    this.fired.add(f);
    if (f.kind === 'disconnect') void this.disconnect(f.downSec);
    else if (f.kind === 'stall') this.stall(f.forSec);
  }

  private later(sec: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, sec * 1000);
    t.unref();
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private listen(): Promise<void> {
    if (this.server || this.stopped) return Promise.resolve();
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.server = undefined;
        reject(new RioError('DEVICE_UNHEALTHY', `vdevice cannot listen on 127.0.0.1:${this.port}: ${err.message}`, { port: this.port }));
      });
      server.listen({ host: '127.0.0.1', port: this.port }, () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const c of this.connections) c.close();
    for (const s of this.sockets) s.destroy();
    this.connections.clear();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private accept(socket: Socket): void {
    if (this.sockets.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const slow = this.faults.find((f): f is Extract<Fault, { kind: 'slow-link' }> => f.kind === 'slow-link');
    const conn = new AdbConnection(socket, {
      banner: () => this.banner(),
      authorizedKeys: this.keys,
      openService: (service, stream) => openService(this.core, service, stream),
      linkDelayMs: () => slow?.latencyMs ?? 0,
      stallGate: () => (this.stallGate && Date.now() < this.stallUntil ? this.stallGate : undefined),
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }

  private banner(): string {
    // from the profile, not getprop: a `props` override (the hostile profile's control characters)
    // must not break the banner's `;`/`=` syntax, as it would not on a phone's adbd either
    const p = this.profile.product;
    const props = `ro.product.name=${p.name};ro.product.model=${p.model};ro.product.device=${p.device}`;
    return `device::${props};features=${this.core.adbFeatures.join(',')}`;
  }
}
