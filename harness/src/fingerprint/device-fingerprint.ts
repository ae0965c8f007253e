/**
 * The environment fingerprint every measurement carries: who made the device, which model and
 * SoC, ABI, SDK and build. Virtual (a vdevice or an emulator, virtual-device.js — the same rule as
 * `rio-farm devices`) is used only to label results.
 */
import type { DeviceFingerprint } from '../store/rows.ts';
import type { AdbDevice } from '../devices/adb-device.ts';
import { isVirtualDevice } from '../devices/virtual-device.js';

export async function readFingerprint(adb: AdbDevice): Promise<DeviceFingerprint> {
  return fingerprintFromProps(adb.serial, await adb.getprops());
}

export function fingerprintFromProps(serial: string, p: Record<string, string>): DeviceFingerprint {
  return {
    serial,
    manufacturer: p['ro.product.manufacturer'] ?? '',
    model: p['ro.product.model'] ?? '',
    // ro.soc.model exists from Android 12; older phones only name the board platform.
    soc: p['ro.soc.model'] || p['ro.board.platform'] || p['ro.hardware'] || '',
    abi: p['ro.product.cpu.abi'] ?? '',
    sdk: Number(p['ro.build.version.sdk'] ?? 0),
    build_fingerprint: p['ro.build.fingerprint'] ?? '',
    virtual: isVirtualDevice(p),
  };
}

/** "Google Pixel 7 (virtual)" — how reports and compare name a device model. */
export function modelLabel(f: { manufacturer: string | null; model: string | null; virtual: number | boolean | null }): string {
  const name = [f.manufacturer, f.model].filter(Boolean).join(' ') || 'unknown';
  return f.virtual && !/virtual/i.test(name) ? `${name} (virtual)` : name;
}
