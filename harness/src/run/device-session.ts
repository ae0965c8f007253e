/**
 * Keeping a device usable across failures: reconnect after it drops off adb (`adb connect` for
 * network serials, then wait for state `device`), check it answers, reopen logcat.
 */
import type { Client } from '@devicefarmer/adbkit';
import type { AdbDevice } from '../devices/adb-device.ts';
import { ADB_PROBE_TIMEOUT_MS } from '../devices/call-deadlines.js';
import type { LogcatFeed } from '../replay/logcat-feed.ts';
import { sleep } from '../health/preflight.ts';

/** How long a dropped device gets to come back before its work goes elsewhere. */
export const RECONNECT_WAIT_MS = 20_000;

/** Waits until adb lists `serial` as `device`; for host:port serials keeps issuing `adb connect`. */
export async function waitOnline(client: Client, serial: string, waitMs = RECONNECT_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  const net = /^(.+):(\d+)$/.exec(serial);
  while (Date.now() < deadline) {
    try {
      const list: { id: string; type: string }[] = await client.listDevices();
      const me = list.find((d) => d.id === serial);
      if (me?.type === 'device') return true;
      if (net && me?.type !== 'device') await client.connect(net[1]!, Number(net[2])).catch(() => undefined);
    } catch { /* adb server busy; try again */ }
    await sleep(500);
  }
  return false;
}

/** True when the device answers a trivial shell command quickly. */
export async function responsive(adb: AdbDevice): Promise<boolean> {
  try { return (await adb.shell('echo rio-ok', ADB_PROBE_TIMEOUT_MS)).includes('rio-ok'); } catch { return false; }
}

/** Brings a device back after a failure; false when it stays gone. */
export async function recover(client: Client, adb: AdbDevice, logcat: LogcatFeed, waitMs = RECONNECT_WAIT_MS): Promise<boolean> {
  if (logcat.isOpen && await responsive(adb)) return true;
  logcat.stop();
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (await waitOnline(client, adb.serial, Math.max(1000, deadline - Date.now())) && await responsive(adb)) {
      try { await logcat.start(adb); return true; } catch { /* dropped again */ }
    }
  }
  return false;
}
