/**
 * Several vdevices connected to one adb server: what `rio-farm vdevice start` runs in the
 * foreground. Ports are consecutive from basePort when given (stable serials for scripts).
 */
import { startVirtualDevice, type VirtualDevice } from './index.ts';
import type { Fault } from './device/faults.ts';
import { ensureAdbServer, adbConnect, adbDisconnect } from '../src/devices/index.ts';

export interface FleetOptions {
  count: number;
  /** profile names, cycled over the devices */
  profiles: string[];
  basePort?: number;
  faults?: Fault[];
  adbPort: number;
  authorizedKeys?: string[];
  /** every device's slowdown factor (device/slowdown.ts) */
  slowdown?: number;
}

export interface Fleet {
  devices: VirtualDevice[];
  stop(): Promise<void>;
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  await ensureAdbServer(opts.adbPort);
  const devices: VirtualDevice[] = [];
  const stop = async () => {
    await Promise.allSettled(devices.map((d) => adbDisconnect(d.serial, opts.adbPort)));
    await Promise.allSettled(devices.map((d) => d.stop()));
  };
  try {
    for (let i = 0; i < opts.count; i++) {
      devices.push(await startVirtualDevice({
        port: opts.basePort ? opts.basePort + i : 0,
        profile: opts.profiles[i % opts.profiles.length],
        faults: opts.faults,
        authorizedKeys: opts.authorizedKeys,
        slowdown: opts.slowdown,
      }));
    }
    await Promise.all(devices.map((d) => adbConnect(d.serial, opts.adbPort)));
  } catch (err) {
    await stop();
    throw err;
  }
  return { devices, stop };
}
