/**
 * Health pre-flight before a device runs anything: responsive, booted, charged, room to write,
 * and cool. A hot device is waited for (bounded, like MLPerf's cool-down between benchmarks);
 * anything else unhealthy fails at once with DEVICE_UNHEALTHY.
 */
import { RioError } from '../errors.ts';
import type { AdbDevice } from '../devices/adb-device.ts';
import { readDeviceState, type DeviceState } from './device-state.ts';

export interface HealthThresholds {
  minBatteryLevel: number;
  /** highest thermal status allowed to start (0 = NONE) */
  maxThermalStatus: number;
  maxBatteryTempC: number;
  minFreeMb: number;
  /** longest cool-down wait before giving up */
  cooldownMaxMs: number;
  cooldownPollMs: number;
}

export const DEFAULT_HEALTH: HealthThresholds = {
  minBatteryLevel: 15, maxThermalStatus: 0, maxBatteryTempC: 40, minFreeMb: 200,
  cooldownMaxMs: 180_000, cooldownPollMs: 2_000,
};

export interface HealthReport { state: DeviceState; cooledMs: number; samples: DeviceState[] }

export function isHot(s: DeviceState, t: HealthThresholds): boolean {
  return (s.thermalStatus ?? 0) > t.maxThermalStatus || (s.batteryTempC ?? 0) > t.maxBatteryTempC;
}

/** Checks health; waits out heat up to cooldownMaxMs. `onSample` sees every reading (for the store). */
export async function preflight(adb: AdbDevice, t: HealthThresholds, onSample: (s: DeviceState, phase: string) => Promise<void> | void,
  phase = 'preflight', signal?: AbortSignal): Promise<HealthReport> {
  const unhealthy = (msg: string) => new RioError('DEVICE_UNHEALTHY', msg, { device: adb.serial });
  let state = await readDeviceState(adb);
  await onSample(state, phase);
  const samples = [state];
  if (!state.bootCompleted) throw unhealthy('boot not completed');
  if (state.batteryLevel !== null && state.batteryLevel < t.minBatteryLevel) throw unhealthy(`battery ${state.batteryLevel}% < ${t.minBatteryLevel}%`);
  if (state.freeMb !== null && state.freeMb < t.minFreeMb) throw unhealthy(`free storage ${state.freeMb.toFixed(0)} MB < ${t.minFreeMb} MB`);
  const start = Date.now();
  while (isHot(state, t)) {
    if (Date.now() - start >= t.cooldownMaxMs) {
      throw unhealthy(`still hot after ${Math.round(t.cooldownMaxMs / 1000)} s cool-down (thermal ${state.thermalStatus}, battery ${state.batteryTempC} °C)`);
    }
    await sleep(t.cooldownPollMs, signal);
    state = await readDeviceState(adb);
    samples.push(state);
    await onSample(state, 'cooldown');
  }
  return { state, cooledMs: samples.length > 1 ? Date.now() - start : 0, samples };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
