/**
 * Builds the demo APK from Debian tools only: binary AndroidManifest.xml (binary-xml.ts), zip with
 * assets/rio.tflite and, when given, assets/quarter_turn.tflite stored uncompressed (TFLite maps them), `zipalign -p 4`, `apksigner sign` with the
 * committed debug keystore (so the same inputs give the same APK hash), `apksigner verify`, and a
 * read-back with adbkit-apkreader. No classes.dex: this APK carries the model and identity the
 * vdevices' host twin runs; phones get the Gradle-built APK (android-demo/app), same identity.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { encodeBinaryXml, type XmlElement } from './binary-xml.ts';
import { readAppVersion, type AppVersion } from './app-version.ts';
import { readApkIdentity } from './apk-manifest.ts';
import { RioError } from '../../harness/src/errors.ts';
import { MODEL_ASSET, QUARTER_TURN_ASSET } from '../contract/app-identity.ts';

export const KEYSTORE = fileURLToPath(new URL('./debug.keystore', import.meta.url));
/** Not a secret: the committed debug keystore, like Android's ~/.android/debug.keystore. */
const KEYSTORE_PASS = 'android';
const KEY_ALIAS = 'androiddebugkey';
/** Fixed zip timestamps keep the APK byte-identical across builds. */
const ZIP_MTIME = new Date(Date.UTC(2024, 0, 1));

export const ACTIVITIES = ['MainActivity', 'BenchmarkActivity'] as const;

/** The manifest both builds describe (app/src/main/AndroidManifest.xml is its Gradle twin). */
export function manifestElement(v: AppVersion): XmlElement {
  const activity = (name: string, launcher: boolean): XmlElement => ({
    name: 'activity', attrs: { 'android:name': `${v.applicationId}.${name}`, 'android:exported': true },
    children: launcher ? [{ name: 'intent-filter', children: [
      { name: 'action', attrs: { 'android:name': 'android.intent.action.MAIN' } },
      { name: 'category', attrs: { 'android:name': 'android.intent.category.LAUNCHER' } }] }] : [],
  });
  return {
    name: 'manifest',
    attrs: { 'android:versionCode': v.versionCode, 'android:versionName': v.versionName, package: v.applicationId },
    children: [
      { name: 'uses-sdk', attrs: { 'android:minSdkVersion': v.minSdk, 'android:targetSdkVersion': v.targetSdk } },
      { name: 'uses-permission', attrs: { 'android:name': 'android.permission.CAMERA' } },
      { name: 'application', attrs: { 'android:label': 'RIO' }, children: [activity('MainActivity', true), activity('BenchmarkActivity', false)] },
    ],
  };
}

function zip(entries: { name: string; data: Buffer; compress: boolean }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(e.data, e.name, { mtime: ZIP_MTIME, mode: 0o100644, compress: e.compress });
  z.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

function tool(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new RioError('BAD_APK', `${cmd} failed: ${(err.stderr || err.message).trim()}`, { tool: cmd });
  }
}

/** The models an APK carries: the detector, and the quarter-turn classifier when there is one. */
export interface ApkModels { detector: Uint8Array; quarterTurn?: Uint8Array }

/**
 * Builds a signed, aligned, verified APK at `outPath` around `models` (.tflite bytes; a lone
 * Uint8Array is the detector alone, whose quads keep the detector's corner order).
 */
export async function buildApk(models: Uint8Array | ApkModels, outPath: string, version = readAppVersion()): Promise<{ sha256: string }> {
  const { detector, quarterTurn } = models instanceof Uint8Array ? { detector: models, quarterTurn: undefined } : models;
  const work = mkdtempSync(join(tmpdir(), 'rio-apk-'));
  try {
    const unaligned = join(work, 'unaligned.apk'), aligned = join(work, 'aligned.apk');
    writeFileSync(unaligned, await zip([
      { name: 'AndroidManifest.xml', data: encodeBinaryXml(manifestElement(version)), compress: true },
      { name: MODEL_ASSET, data: Buffer.from(detector), compress: false },
      ...(quarterTurn ? [{ name: QUARTER_TURN_ASSET, data: Buffer.from(quarterTurn), compress: false }] : []),
    ]));
    tool('zipalign', ['-p', '-f', '4', unaligned, aligned]);
    tool('apksigner', ['sign', '--ks', KEYSTORE, '--ks-pass', `pass:${KEYSTORE_PASS}`, '--key-pass', `pass:${KEYSTORE_PASS}`,
      '--ks-key-alias', KEY_ALIAS, '--min-sdk-version', String(version.minSdk), '--v4-signing-enabled', 'false', '--out', outPath, aligned]);
    tool('apksigner', ['verify', '--min-sdk-version', String(version.minSdk), outPath]);
    const id = await readApkIdentity(outPath);
    if (id.packageName !== version.applicationId || id.versionCode !== version.versionCode || id.versionName !== version.versionName) {
      throw new RioError('BAD_APK', `APK reads back as ${id.packageName} ${id.versionName} (${id.versionCode})`, { file: outPath });
    }
    return { sha256: createHash('sha256').update(readFileSync(outPath)).digest('hex') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
