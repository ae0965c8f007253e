/**
 * `ensureDemoApk()`: the demo APK for vdevices, rebuilt only when its inputs changed (app identity,
 * model, keystore, builder sources), cached under .rio-farm/apk/. Called by `rio-farm run`, the UI
 * farm and tests, so a fresh clone needs no manual build step.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApk, KEYSTORE } from './build-apk.ts';
import { VERSION_PROPERTIES } from './app-version.ts';
import { placeholderModel } from './placeholder-model.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..', '..');
/** The model engineer's released model; the placeholder stands in until it exists. */
export const RELEASE_MODEL = join(REPO_ROOT, 'android-demo', 'model', 'release', 'rio.tflite');
/** The released quarter-turn classifier (contract/model-io.json `quarter_turn`); without it quads keep the detector's order. */
export const RELEASE_QUARTER_TURN = join(REPO_ROOT, 'android-demo', 'model', 'release', 'quarter_turn.tflite');
export const APK_DIR = process.env.RIO_FARM_APK_DIR ?? join(REPO_ROOT, '.rio-farm', 'apk');
const BUILDER_SOURCES = ['build-apk.ts', 'binary-xml.ts', 'app-version.ts', 'placeholder-model.ts'].map((f) => join(HERE, f));

export interface DemoApk {
  path: string;
  sha256: string;
  modelSha256: string;
  modelSource: 'release' | 'placeholder';
  /** sha256 of the quarter-turn classifier inside; absent: the APK has none */
  quarterTurnSha256?: string;
}

/** The model that goes into the APK, and where it came from. */
export function demoModel(): { bytes: Uint8Array; source: DemoApk['modelSource'] } {
  return existsSync(RELEASE_MODEL) ? { bytes: readFileSync(RELEASE_MODEL), source: 'release' } : { bytes: placeholderModel(), source: 'placeholder' };
}

/** The released quarter-turn classifier's bytes, or undefined before one is released. */
export function demoQuarterTurn(): Uint8Array | undefined {
  return existsSync(RELEASE_QUARTER_TURN) ? readFileSync(RELEASE_QUARTER_TURN) : undefined;
}

/** Returns the demo APK, building it when any input changed (or `force`). */
export async function ensureDemoApk(opts: { force?: boolean } = {}): Promise<DemoApk> {
  const model = demoModel();
  const quarterTurn = demoQuarterTurn();
  const h = createHash('sha256');
  for (const f of [VERSION_PROPERTIES, KEYSTORE, ...BUILDER_SOURCES]) h.update(readFileSync(f));
  h.update(model.bytes);
  h.update(quarterTurn ? `quarter_turn ${sha256Of(quarterTurn)}` : 'no quarter_turn');
  const inputs = h.digest('hex');
  const modelSha256 = sha256Of(model.bytes);
  const path = join(APK_DIR, 'rio-demo.apk');
  const stampPath = join(APK_DIR, 'rio-demo.apk.json');
  if (!opts.force && existsSync(path) && existsSync(stampPath) && existsSync(join(APK_DIR, 'rio.tflite'))) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as DemoApk & { inputs: string };
    if (stamp.inputs === inputs) {
      return { path, sha256: stamp.sha256, modelSha256: stamp.modelSha256, modelSource: stamp.modelSource,
        ...(stamp.quarterTurnSha256 ? { quarterTurnSha256: stamp.quarterTurnSha256 } : {}) };
    }
  }
  mkdirSync(APK_DIR, { recursive: true });
  // Build beside the target and rename: concurrent callers (parallel tests) never see half an APK.
  const tmp = join(APK_DIR, `rio-demo.${process.pid}.${Date.now()}.apk`);
  const { sha256 } = await buildApk({ detector: model.bytes, ...(quarterTurn ? { quarterTurn } : {}) }, tmp);
  renameSync(tmp, path);
  // The Gradle build packs this same model when no released one exists (app/build.gradle.kts).
  writeFileSync(join(APK_DIR, 'rio.tflite'), model.bytes);
  const result: DemoApk = { path, sha256, modelSha256, modelSource: model.source, ...(quarterTurn ? { quarterTurnSha256: sha256Of(quarterTurn) } : {}) };
  writeFileSync(`${stampPath}.${process.pid}`, JSON.stringify({ ...result, inputs }, null, 1));
  renameSync(`${stampPath}.${process.pid}`, stampPath);
  return result;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
