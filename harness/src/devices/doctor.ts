/**
 * `rio-farm doctor`: environment checks, each with the fix when it fails. Kept apart from the CLI
 * so tests and `rio-farm run` can call it.
 */
import { statfsSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { adbVersion, isListening } from './adb-server.ts';
import { listDevices } from './discovery.ts';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** what to do when not ok */
  fix?: string;
  /** a warning does not fail the doctor */
  warnOnly?: boolean;
}

/** Free space the scenario cache, APKs and a run's pulled results need, comfortably. */
export const MIN_FREE_DISK_BYTES = 2 * 1024 ** 3;
const APT = 'sudo apt-get install -y';

export async function runDoctor(adbPort: number, dir = process.cwd()): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const v = await adbVersion();
  checks.push(v
    ? { name: 'adb installed', ok: true, detail: `adb ${v.version} (${v.build}) at ${v.path}` }
    : { name: 'adb installed', ok: false, detail: 'adb not found on PATH', fix: `${APT} adb` });
  const [major, minor, patch] = (v?.version ?? '0.0.0').split('.').map(Number);
  if (v) {
    const recent = major > 1 || (major === 1 && (minor > 0 || patch >= 39));
    checks.push({ name: 'adb version', ok: recent, detail: `1.0.${patch} (need ≥ 1.0.39 for shell_v2 and abb_exec installs)`, fix: `${APT} adb   # from a newer Debian/Ubuntu release` });
  }
  const up = await isListening(adbPort);
  checks.push(up
    ? { name: 'adb server', ok: true, detail: `listening on 127.0.0.1:${adbPort}` }
    : { name: 'adb server', ok: false, detail: `nothing on port ${adbPort}`, fix: `adb -P ${adbPort} start-server   (or: rio-farm vdevice start)` });
  if (up) {
    try {
      const devices = await listDevices(adbPort);
      const online = devices.filter((d) => d.state === 'device');
      const bad = devices.filter((d) => d.state !== 'device');
      checks.push({
        name: 'devices', ok: online.length > 0,
        detail: `${online.length} online (${online.filter((d) => d.virtual).length} virtual)${bad.length ? `; ${bad.map((d) => `${d.serial} ${d.state}`).join(', ')}` : ''}`,
        fix: online.length ? undefined : 'connect a phone with USB debugging on, or start vdevices: rio-farm vdevice start --count 2',
      });
      for (const d of bad) {
        checks.push({ name: `device ${d.serial}`, ok: false, warnOnly: true, detail: d.state,
          fix: d.state === 'unauthorized' ? 'accept the RSA key prompt on the phone' : `adb -P ${adbPort} disconnect ${d.serial}   (or reconnect it)` });
      }
    } catch (err) {
      checks.push({ name: 'devices', ok: false, detail: (err as Error).message, fix: `adb -P ${adbPort} kill-server && adb -P ${adbPort} start-server` });
    }
  }
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    checks.push({ name: 'disk', ok: free >= MIN_FREE_DISK_BYTES, detail: `${(free / 1024 ** 3).toFixed(1)} GiB free in ${dir}`,
      fix: 'free some space (the scenario cache is .rio-farm/; old reports are in reports/)' });
  } catch (err) {
    checks.push({ name: 'disk', ok: false, detail: (err as Error).message });
  }
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  const chromiumVersion = chromium ? spawnSync(chromium, ['--version'], { encoding: 'utf8', timeout: 20_000 }).stdout?.trim() : undefined;
  checks.push(chromium
    ? { name: 'chromium', ok: true, detail: `${chromiumVersion || 'present'} at ${chromium}` }
    : { name: 'chromium', ok: false, warnOnly: true, detail: 'not found (dashboard page tests need it)', fix: `${APT} chromium` });
  return checks;
}
