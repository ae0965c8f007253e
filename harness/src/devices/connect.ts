/** `adb connect` / `adb disconnect` for network devices (vdevices, phones over Wi-Fi). */
import { setTimeout as sleep } from 'node:timers/promises';
import { runAdb } from './adb-cli.ts';
import { ADB_CLI_QUICK_TIMEOUT_MS } from './call-deadlines.js';
import { RioError } from '../errors.ts';

/** How long a freshly connected device may take to reach state `device` (AUTH, slow links). */
export const CONNECT_TIMEOUT_MS = 20_000;

/** `adb -s SERIAL get-state`: 'device', 'offline', 'unauthorized', or 'unknown' when not listed. */
export async function deviceState(serial: string, adbPort: number): Promise<string> {
  const r = await runAdb(['-s', serial, 'get-state'], adbPort, ADB_CLI_QUICK_TIMEOUT_MS);
  if (r.code === 0) return r.stdout.trim();
  return /unauthorized/.test(r.stderr) ? 'unauthorized' : /offline/.test(r.stderr) ? 'offline' : 'unknown';
}

/** `adb connect SERIAL`, then waits until the device is online (state `device`). */
export async function adbConnect(serial: string, adbPort: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await runAdb(['connect', serial], adbPort, ADB_CLI_QUICK_TIMEOUT_MS);
    last = (r.stdout + r.stderr).trim();
    if (/connected to|already connected/.test(last)) break;
    await sleep(250);
  }
  let state = 'unknown';
  while (Date.now() < deadline) {
    state = await deviceState(serial, adbPort);
    if (state === 'device') return;
    await sleep(100);
  }
  throw new RioError('DEVICE_GONE', `device ${serial} did not come online (state ${state}; adb connect said: ${last})`, { serial, adbPort });
}

/** `adb disconnect SERIAL`. */
export async function adbDisconnect(serial: string, adbPort: number): Promise<void> {
  await runAdb(['disconnect', serial], adbPort, ADB_CLI_QUICK_TIMEOUT_MS);
}
