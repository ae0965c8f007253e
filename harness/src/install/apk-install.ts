/**
 * Installs the demo APK only when the device does not already have this exact build: the harness
 * leaves the installed APK's sha256 in /data/local/tmp/rio-farm/<package>.sha256 and compares it,
 * together with the installed base.apk's size (`pm path` + stat), so a hand-installed other build
 * is not mistaken for ours.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { RioError } from '../errors.ts';
import type { AdbDevice } from '../devices/adb-device.ts';
import { shellQuote } from '../../appium-driver/lib/shell-quote.js';

export const MARKER_DIR = '/data/local/tmp/rio-farm';
/** The marker holds 64 hex digits; a device answering more (or slowly) is not holding our marker. */
const MARKER_BUDGET = { maxBytes: 4096, timeoutMs: 10_000 };

export interface ApkInfo { path: string; sha256: string; size: number; packageName: string }

export function apkInfo(path: string, packageName: string): ApkInfo {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (err) {
    throw new RioError('BAD_APK', `cannot read APK: ${(err as Error).message}`, { file: path });
  }
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: statSync(path).size, packageName };
}

export interface InstallOutcome { action: 'installed' | 'skipped'; ms: number }

/** `adb install -r` unless the marker and the installed APK's size say it is the same build. */
export async function ensureInstalled(adb: AdbDevice, apk: ApkInfo): Promise<InstallOutcome> {
  const t0 = performance.now();
  if (await installedSha(adb, apk) === apk.sha256) return { action: 'skipped', ms: performance.now() - t0 };
  await adb.install(apk.path);
  const installed = await installedApkPath(adb, apk.packageName);
  if (!installed) throw new RioError('INSTALL_FAILED', `${apk.packageName} is not installed after adb install`, { device: adb.serial });
  await adb.push(Buffer.from(`${apk.sha256} ${apk.size}\n`), `${MARKER_DIR}/${apk.packageName}.sha256`);
  return { action: 'installed', ms: performance.now() - t0 };
}

/** `adb shell pm path PKG` → the base.apk path, or null when not installed. */
async function installedApkPath(adb: AdbDevice, pkg: string): Promise<string | null> {
  const out = await adb.shell(`pm path ${shellQuote(pkg)} 2>/dev/null`);
  const m = /^package:(\S+)$/m.exec(out);
  return m ? m[1]! : null;
}

async function installedSha(adb: AdbDevice, apk: ApkInfo): Promise<string | null> {
  const path = await installedApkPath(adb, apk.packageName);
  if (!path) return null;
  let marker: string;
  try { marker = (await adb.pull(`${MARKER_DIR}/${apk.packageName}.sha256`, MARKER_BUDGET)).toString('utf8').trim(); } catch { return null; }
  const [sha, size] = marker.split(/\s+/);
  const dir = path.replace(/\/[^/]+$/, '');
  const name = path.slice(dir.length + 1);
  const onDevice = (await adb.list(dir)).get(name);
  return onDevice !== undefined && String(onDevice) === size ? sha ?? null : null;
}
