/**
 * The twin runs the APK's own models: assets/rio.tflite and, when the APK carries it,
 * assets/quarter_turn.tflite (contract/model-io.json `quarter_turn`), read out of the installed APK,
 * compiled once per model hash with LiteRT.js (the model engineer's shared loader) and kept for later
 * runs, like a phone keeping the app process warm between `am start`s.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import JSZip from 'jszip';
import modelIo from '../contract/model-io.json' with { type: 'json' };
import { loadTflite, type TfliteModel, type FloatTensor } from '../model/runtime/litert.ts';
import { RioError } from '../../harness/src/errors.ts';
import { readApkIdentity, type ApkIdentity } from '../apk/apk-manifest.ts';
import { MODEL_ASSET, QUARTER_TURN_ASSET } from '../contract/app-identity.ts';
import { classifierFromTflite, type ClassifyTurn } from './quarter-turn.ts';
import { REJECT_THRESHOLD } from '../cpp/rio-core.ts';


/**
 * The APK's quarter-turn classifier: its sha256 (results.json), the classifier itself, and the no-card
 * threshold the app applies to it (model-io.json postprocess.reject_threshold, as Kotlin's ModelContract reads it).
 */
export interface ApkQuarterTurn { readonly sha256: string; readonly classify: ClassifyTurn; readonly rejectThreshold: number }

export interface ApkModel {
  readonly sha256: string;
  readonly apkSha256: string;
  /** the installed app's identity, from its binary manifest */
  readonly app: ApkIdentity;
  readonly inputShape: number[];
  /** Runs the model; outputs keyed by the contract's names (heat, corners, mask, and orient when it has it). */
  run(input: Float32Array): Promise<Record<string, FloatTensor>>;
  /** absent: the APK carries no quarter-turn classifier, and quads keep the detector's corner order */
  readonly quarterTurn?: ApkQuarterTurn;
}

const byApk = new Map<string, { key: string; model: Promise<ApkModel> }>();
const compiledBySha = new Map<string, Promise<TfliteModel>>();

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Loads (or reuses) the model inside the APK at `apkPath`. Throws RioError('BAD_APK' | 'BAD_MODEL'). */
export async function loadApkModel(apkPath: string): Promise<ApkModel> {
  const st = await stat(apkPath);
  const key = `${st.size}:${st.mtimeMs}`;
  const cached = byApk.get(apkPath);
  if (cached?.key === key) return cached.model;
  const model = readApkModel(apkPath);
  byApk.set(apkPath, { key, model });
  model.catch(() => byApk.delete(apkPath));
  return model;
}

async function readApkModel(apkPath: string): Promise<ApkModel> {
  const apk = await readFile(apkPath);
  const zip = await JSZip.loadAsync(apk).catch((e: unknown) => {
    throw new RioError('BAD_APK', `cannot read APK zip: ${String(e)}`, { file: apkPath }, { cause: e });
  });
  const entry = zip.file(MODEL_ASSET);
  if (!entry) throw new RioError('BAD_APK', `${MODEL_ASSET} missing from the APK`, { file: apkPath });
  const bytes = await entry.async('uint8array');
  const tflite = await compiled(bytes, MODEL_ASSET, apkPath);
  const turnEntry = zip.file(QUARTER_TURN_ASSET);
  let quarterTurn: ApkQuarterTurn | undefined;
  if (turnEntry) {
    const turnBytes = await turnEntry.async('uint8array');
    const classify = classifierFromTflite(await compiled(turnBytes, QUARTER_TURN_ASSET, apkPath), `${apkPath}!${QUARTER_TURN_ASSET}`);
    quarterTurn = { sha256: sha256(turnBytes), classify, rejectThreshold: REJECT_THRESHOLD };
  }
  const names = outputNames(tflite);
  return {
    sha256: sha256(bytes),
    apkSha256: sha256(apk),
    app: await readApkIdentity(apk),
    inputShape: tflite.inputs[0]!.shape,
    async run(input) {
      const raw = await tflite.run([input]);
      const out: Record<string, FloatTensor> = {};
      for (const [contractName, tensorName] of names) out[contractName] = raw[tensorName]!;
      return out;
    },
    ...(quarterTurn ? { quarterTurn } : {}),
  };
}

/** The .tflite `bytes` compiled by LiteRT.js, once per sha256; BAD_MODEL when LiteRT.js refuses it. */
async function compiled(bytes: Uint8Array, asset: string, apkPath: string): Promise<TfliteModel> {
  const sha = sha256(bytes);
  let model = compiledBySha.get(sha);
  if (!model) {
    model = loadTflite(bytes);
    compiledBySha.set(sha, model);
    model.catch(() => compiledBySha.delete(sha));
  }
  return model.catch((e: unknown) => {
    throw new RioError('BAD_MODEL', `LiteRT.js cannot load ${asset}: ${String(e)}`, { file: apkPath }, { cause: e });
  });
}

/**
 * Maps contract output names to the model's tensor names: by name when the converter kept them,
 * else by the unique shape each output has in model-io.json.
 */
function outputNames(m: TfliteModel): Map<string, string> {
  const map = new Map<string, string>();
  for (const o of modelIo.outputs) {
    const byName = m.outputs.find((t) => t.name === o.name);
    const byShape = m.outputs.filter((t) => t.shape.join(',') === o.shape.join(','));
    const chosen = byName ?? (byShape.length === 1 ? byShape[0] : undefined);
    if (!chosen && 'optional' in o && o.optional) continue;  // an older model without orient keeps its corner order
    if (!chosen) throw new RioError('BAD_MODEL', `model has no output matching ${o.name} ${JSON.stringify(o.shape)}; outputs: ${m.outputs.map((t) => `${t.name}${JSON.stringify(t.shape)}`).join(' ')}`);
    map.set(o.name, chosen.name);
  }
  return map;
}
