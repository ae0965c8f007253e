/**
 * Reads a device's health in one shell round trip: boot completed, battery level and temperature
 * (`dumpsys battery`), thermal status (`dumpsys thermalservice`, Android 10+) and free storage
 * (`df /data`). Values a device does not report come back null rather than guessed.
 */
import type { AdbDevice } from '../devices/adb-device.ts';
import { parseBattery, parseThermalStatus } from '../devices/index.ts';

export interface DeviceState {
  bootCompleted: boolean;
  batteryLevel: number | null;
  batteryTempC: number | null;
  /** 0 NONE … 6 SHUTDOWN */
  thermalStatus: number | null;
  freeMb: number | null;
}

const SECTIONS = ['boot', 'battery', 'thermal', 'df'] as const;

export async function readDeviceState(adb: AdbDevice): Promise<DeviceState> {
  const out = await adb.shell(
    'echo @@boot; getprop sys.boot_completed; echo @@battery; dumpsys battery; echo @@thermal; dumpsys thermalservice; echo @@df; df /data');
  return parseDeviceState(out);
}

export function parseDeviceState(out: string): DeviceState {
  const parts: Record<string, string> = {};
  let cur = '';
  for (const line of out.split(/\r?\n/)) {
    const m = /^@@(\w+)$/.exec(line.trim());
    if (m && (SECTIONS as readonly string[]).includes(m[1]!)) { cur = m[1]!; parts[cur] = ''; continue; }
    if (cur) parts[cur] += line + '\n';
  }
  const battery = parseBattery(parts.battery ?? '');
  return {
    bootCompleted: (parts.boot ?? '').trim() === '1',
    batteryLevel: battery.level ?? null,
    batteryTempC: battery.tempC ?? null,
    thermalStatus: parseThermalStatus(parts.thermal ?? '') ?? null,
    freeMb: parseDfFreeMb(parts.df ?? ''),
  };
}

/** `df` prints 1K blocks: Filesystem 1K-blocks Used Available Use% Mounted-on. */
function parseDfFreeMb(text: string): number | null {
  const lines = text.trim().split('\n').filter((l) => l.trim() && !/^Filesystem/i.test(l));
  const cols = lines.at(-1)?.trim().split(/\s+/);
  if (!cols || cols.length < 4) return null;
  const avail = cols[3]!;
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(avail);
  if (!m) return null;
  const scale = { '': 1 / 1024, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * scale;
}
