/**
 * The recorded engine: answers each frame with what the app answered on it in a recorded run —
 * its stage timings (slept, not computed) and its detections — with no decode and no inference.
 * A vdevice of the `recorded` app kind (profile `replay-virtual`) runs it, so one host can carry
 * the 50 devices of a farm and measure what the harness costs (`npm run bench:scale`). Its results
 * say so (`app.runtime`), and its fingerprint is the replay profile's: never mixed with real numbers.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppTwinContext } from '../../harness/vdevice/apps/app-twin.ts';
import type { FrameResult, Results } from '../contract/results-schema.ts';
import type { BenchmarkEngine, RunModel } from './benchmark-activity.ts';
import type { FrameOutcome } from './frame-pipeline.ts';

export const RECORDING_SCHEMA_ID = 'rio-recording/1';
/** Where the recording lives on the device (pushed with adb, like the frames). */
export const RECORDING_DEVICE_PATH = '/data/local/tmp/rio-recording.json';

type RecordedFrame = Pick<FrameResult, 't_decode' | 't_pre' | 't_infer' | 't_post' | 't_turn' | 't_total' | 'detections' | 'width' | 'height'>;

export interface Recording {
  schema: typeof RECORDING_SCHEMA_ID;
  app: Results['app'];
  model: Results['model'];
  /** frame file (`frames/<sha256>.jpg`, content-addressed) → what the app answered on it */
  frames: Record<string, RecordedFrame>;
}

/** A recording of the processed frames of some results.json documents (the first answer per file wins). */
export function recordingOf(results: readonly Results[]): Recording {
  if (results.length === 0) throw new Error('a recording needs at least one results.json');
  const frames: Record<string, RecordedFrame> = {};
  for (const r of results) {
    for (const f of r.frames) {
      if (f.dropped || f.error || frames[f.file]) continue;
      frames[f.file] = { t_decode: f.t_decode, t_pre: f.t_pre, t_infer: f.t_infer, t_post: f.t_post, t_total: f.t_total, detections: f.detections,
        ...(f.t_turn !== undefined ? { t_turn: f.t_turn } : {}), ...(f.width ? { width: f.width, height: f.height } : {}) };
    }
  }
  return { schema: RECORDING_SCHEMA_ID, app: results[0]!.app, model: results[0]!.model, frames };
}

type RecordedModel = RunModel & { recording: Recording };

export const RECORDED_ENGINE: BenchmarkEngine<RecordedModel> = {
  runtime: 'recorded replay (no inference)',
  async load(ctx: AppTwinContext): Promise<RecordedModel> {
    const rec = JSON.parse(await readFile(ctx.hostPath(RECORDING_DEVICE_PATH), 'utf8')) as Recording;
    if (rec?.schema !== RECORDING_SCHEMA_ID) throw new Error(`${RECORDING_DEVICE_PATH} is not a ${RECORDING_SCHEMA_ID} document`);
    return {
      recording: rec, sha256: rec.model.sha256, ...(rec.model.quarter_turn ? { quarterTurn: rec.model.quarter_turn } : {}), apkSha256: rec.app.apk_sha256 ?? '0'.repeat(64), inputShape: rec.model.input_shape,
      app: { packageName: rec.app.package, versionName: rec.app.version_name, versionCode: rec.app.version_code, activities: [] },
    };
  },
  async process(model, _hostPath, file): Promise<FrameOutcome> {
    const f = model.recording.frames[file];
    if (!f) return { t_decode: 0, t_pre: 0, t_infer: 0, t_post: 0, t_total: 0, detections: [], error: { code: 'FRAME_DECODE_FAILED', message: `${file} is not in the recording` } };
    await sleep(f.t_total);
    return { t_decode: f.t_decode, t_pre: f.t_pre, t_infer: f.t_infer, t_post: f.t_post, t_total: f.t_total, detections: f.detections,
      ...(f.t_turn !== undefined ? { t_turn: f.t_turn } : {}) };
  },
};
