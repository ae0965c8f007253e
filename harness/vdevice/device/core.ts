/**
 * Everything a vdevice *is*, apart from its adb listener: identity (profile, props), storage,
 * log buffer, package manager, activity manager, settings, heat, and device events that faults
 * hook into. Services and shell commands act on this object.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { DeviceFs } from '../fs/device-fs.ts';
import { LogBuffer } from './logcat.ts';
import { PackageManager } from './packages.ts';
import { Settings } from './settings.ts';
import { ThermalModel } from './thermal.ts';
import { profileProps, type DeviceProfile } from './profile.ts';
import type { DeviceEventName, Fault } from './faults.ts';
import { ActivityManager } from '../apps/runtime.ts';
import { HostileFirmware } from './hostile-firmware.ts';

/** adb features this device advertises in CNXN; they decide how clients talk to it. */
export const DEFAULT_ADB_FEATURES = ['shell_v2', 'cmd', 'stat_v2', 'ls_v2', 'fixed_push_mkdir', 'abb_exec'];

/** Handles a device-local TCP connection (`adb forward tcp:X tcp:PORT`). */
export type PortHandler = (socket: Duplex) => void;

export class DeviceCore {
  readonly props: Map<string, string>;
  readonly fs: DeviceFs;
  readonly logcat = new LogBuffer();
  readonly packages: PackageManager;
  readonly am: ActivityManager;
  readonly settings: Settings;
  readonly thermal: ThermalModel;
  /** set by the `hostile` profile: the device lies in listings, file reads and its app's results */
  readonly firmware: HostileFirmware | undefined;
  readonly events = new EventEmitter();
  /** device-local listening ports (apps register here; tcp:PORT connects to them) */
  readonly ports = new Map<number, PortHandler>();
  /** system_server's pid, the writer of system log lines */
  readonly systemPid = 1523;
  readonly shellPid = 4321;
  private pid = 20000;

  constructor(
    readonly profile: DeviceProfile,
    readonly serial: string,
    dataDir: string,
    readonly faults: Fault[],
    readonly adbFeatures: string[],
  ) {
    this.props = new Map(Object.entries(profileProps(profile, serial)));
    this.firmware = profile.firmware === 'hostile' ? new HostileFirmware() : undefined;
    this.fs = new DeviceFs(dataDir, profile.storageMb * 1024 * 1024);
    this.settings = new Settings(this.fs, profile.product.model,
      createHash('sha256').update(serial + profile.name).digest('hex').slice(0, 16));
    const hot = faults.find((f): f is Extract<Fault, { kind: 'thermal' }> => f.kind === 'thermal');
    this.thermal = new ThermalModel(profile.thermal.ambientC, hot?.heatPerBusySecond ?? profile.thermal.heatPerBusySecond,
      profile.thermal.coolPerSecond, hot?.startC ?? profile.battery.tempC);
    this.am = new ActivityManager(this);
    this.packages = new PackageManager(this);
    this.logcat.append(this.systemPid, 'I', 'SystemServer', `Entered the Android system server! (${profile.product.model})`);
  }

  /** Set by the VirtualDevice: `adb reboot` restarts the device this way. */
  reboot: () => void = () => {};

  /** The last services hosts opened (newest last), for diagnostics and tests. */
  readonly openedServices: string[] = [];

  recordService(name: string): void {
    this.openedServices.push(name.length > 200 ? name.slice(0, 200) : name);
    if (this.openedServices.length > 100) this.openedServices.shift();
  }

  nextPid(): number {
    return ++this.pid;
  }

  /** Announces a device event (faults listen: disconnect at install, stall at frame K…). */
  emit(name: DeviceEventName, detail: Record<string, string | number> = {}): void {
    this.events.emit('device-event', name, detail);
  }

  /** Battery as `dumpsys battery` reports it: temperature follows the heat model. */
  battery(): { level: number; tempC: number; status: number; plugged: 'usb' | 'none' } {
    return { level: this.profile.battery.level, tempC: this.thermal.tempC(), status: 2, plugged: 'usb' };
  }

  /** Stops apps; called on device stop/restart. */
  shutdown(): void {
    this.am.stopAll('shutdown');
  }
}
