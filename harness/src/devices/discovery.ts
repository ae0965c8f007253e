/**
 * Device discovery for `rio-farm devices`, `rio-farm run` and wdio: every device the adb server
 * knows, with identity and health read over adb like any phone (getprop, dumpsys battery,
 * dumpsys thermalservice) through the device facade, every call with a deadline. Virtual or real
 * is the one rule of virtual-device.js (a vdevice or an emulator).
 */
import type { Client } from '@devicefarmer/adbkit';
import { adbClient } from './adb-client.ts';
import { AdbDevice, attachedDevices } from './adb-device.ts';
import { isVirtualDevice } from './virtual-device.js';

export interface DeviceSummary {
  serial: string;
  /** adb state: device, offline, unauthorized, … */
  state: string;
  model?: string;
  manufacturer?: string;
  sdk?: number;
  release?: string;
  abi?: string;
  soc?: string;
  fingerprint?: string;
  virtual?: boolean;
  batteryLevel?: number;
  batteryTempC?: number;
  /** 0 NONE … 6 SHUTDOWN */
  thermalStatus?: number;
}

export { adbClient } from './adb-client.ts';

/** `dumpsys battery|thermalservice` answer in a few KiB; a device answering without end is cut. */
const DISCOVERY_SHELL_BUDGET = { maxBytes: 1024 * 1024, timeoutMs: 10_000 };

function dumpsys(adb: AdbDevice, service: string): Promise<string> {
  return adb.shell(`dumpsys ${service}`, DISCOVERY_SHELL_BUDGET.timeoutMs, { maxBytes: DISCOVERY_SHELL_BUDGET.maxBytes }).catch(() => '');
}

/** Parses `dumpsys battery`. */
export function parseBattery(text: string): { level?: number; tempC?: number } {
  const level = /^\s*level:\s*(\d+)/m.exec(text)?.[1];
  const temp = /^\s*temperature:\s*(-?\d+)/m.exec(text)?.[1];
  return { level: level ? Number(level) : undefined, tempC: temp ? Number(temp) / 10 : undefined };
}

/** Parses `dumpsys thermalservice`. */
export function parseThermalStatus(text: string): number | undefined {
  const s = /^Thermal Status:\s*(\d+)/m.exec(text)?.[1];
  return s === undefined ? undefined : Number(s);
}

/** Identity and health of one online device. */
export async function describeDevice(client: Client, serial: string, state = 'device'): Promise<DeviceSummary> {
  if (state !== 'device') return { serial, state };
  const adb = new AdbDevice(client, serial);
  const props = await adb.getprops();
  const [battery, thermal] = await Promise.all([dumpsys(adb, 'battery'), dumpsys(adb, 'thermalservice')]);
  const b = parseBattery(battery);
  return {
    serial, state,
    model: props['ro.product.model'],
    manufacturer: props['ro.product.manufacturer'],
    sdk: props['ro.build.version.sdk'] ? Number(props['ro.build.version.sdk']) : undefined,
    release: props['ro.build.version.release'],
    abi: props['ro.product.cpu.abi'],
    soc: props['ro.soc.model'] || props['ro.board.platform'] || props['ro.hardware'],
    fingerprint: props['ro.build.fingerprint'],
    virtual: isVirtualDevice(props),
    batteryLevel: b.level,
    batteryTempC: b.tempC,
    thermalStatus: parseThermalStatus(thermal),
  };
}

/** Every device on the adb server at `adbPort`, online ones described. */
export async function listDevices(adbPort: number): Promise<DeviceSummary[]> {
  const client = adbClient(adbPort);
  try {
    const devices = await attachedDevices(client);
    return await Promise.all(devices.map((d: { id: string; type: string }) => describeDevice(client, d.id, d.type).catch(() => ({ serial: d.id, state: d.type }))));
  } finally {
    client.closeAll(); // a device that stops answering mid-describe must not keep `rio-farm devices` alive
  }
}
