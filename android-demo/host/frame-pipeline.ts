/**
 * One frame through the app's pipeline, stage by stage as CONTRACT.md times it:
 * decode (sharp → RGB8), pre (C++ core: stretch + /255), infer (LiteRT.js), post (C++ core),
 * turn (the APK's quarter-turn classifier on each detection's crop, when it carries one: turns each
 * quad upright and drops the detections a 5-logit classifier calls "not a card");
 * inference also in this thread's CPU time (`t_infer_cpu`).
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { detectOutputs, preprocess } from '../cpp/rio-core.ts';
import type { ApkModel } from './apk-model.ts';
import { turnQuadsUpright } from './quarter-turn.ts';
import { burnThreadCpu, threadCpuMs } from './thread-cpu.ts';
import type { AppError, Detection } from '../contract/results-schema.ts';

// libvips defaults to one thread on glibc; a phone's decoder uses more than one core too.
sharp.concurrency(2);

export interface DecodedFrame { readonly rgb: Buffer; readonly width: number; readonly height: number }

export interface FrameOutcome {
  t_decode: number; t_pre: number; t_infer: number; t_post: number; t_total: number;
  /** the quarter-turn classifier on every detection (crop, inference, roll); absent without a classifier */
  t_turn?: number;
  /** inference in this thread's CPU time; absent without a thread clock */
  t_infer_cpu?: number;
  detections: Detection[];
  frame?: DecodedFrame;
  error?: AppError;
}

const ms = (a: number, b: number) => Math.round((b - a) * 1000) / 1000;

/** Decodes a JPEG (any colour type) to 8-bit sRGB, EXIF orientation ignored as the contract says. */
export async function decodeFrame(path: string): Promise<DecodedFrame> {
  const { data, info } = await sharp(path).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

/**
 * Runs every stage on the frame at `path`; failures land in `error`, never thrown. `slowdown` > 1
 * (the device's `--slowdown`) spends that factor of each model stage's CPU time — the inference and
 * the quarter turn — on this thread, inside the stage, as a slower SoC would: wall and CPU time both rise by it.
 */
export async function processFrame(model: ApkModel, path: string, slowdown = 1): Promise<FrameOutcome> {
  const o: FrameOutcome = { t_decode: 0, t_pre: 0, t_infer: 0, t_post: 0, t_total: 0, detections: [] };
  const t0 = performance.now();
  let frame: DecodedFrame;
  try {
    frame = await decodeFrame(path);
  } catch (e) {
    o.t_decode = o.t_total = ms(t0, performance.now());
    o.error = { code: 'FRAME_DECODE_FAILED', message: e instanceof Error ? e.message : String(e) };
    return o;
  }
  o.frame = frame;
  const t1 = performance.now();
  o.t_decode = ms(t0, t1);
  const pre = preprocess(frame.rgb, frame.width, frame.height, 3);
  const t2 = performance.now();
  o.t_pre = ms(t1, t2);
  if (pre.error) return fail(o, t0, { code: 'FRAME_DECODE_FAILED', message: pre.error.message });
  let out;
  const cpu0 = threadCpuMs();
  try {
    out = await model.run(pre.input);
  } catch (e) {
    o.t_infer = ms(t2, performance.now());
    return fail(o, t0, { code: 'INFERENCE_FAILED', message: e instanceof Error ? e.message : String(e) });
  }
  spendSlowdown(slowdown, cpu0, t2);
  const cpu1 = threadCpuMs();
  const t3 = performance.now();
  o.t_infer = ms(t2, t3);
  if (cpu0 !== undefined && cpu1 !== undefined) o.t_infer_cpu = Math.round((cpu1 - cpu0) * 1000) / 1000;
  const r = detectOutputs(out, frame.width, frame.height);
  const t4 = performance.now();
  o.t_post = ms(t3, t4);
  o.t_total = ms(t0, t4);
  if (r.error) return fail(o, t0, { code: 'BAD_MODEL_OUTPUT', message: `${r.error.code}: ${r.error.message}` });
  let detections = r.detections.map((d) => ({ quad: d.quad, score: Math.round(d.score * 1e4) / 1e4 }));
  if (model.quarterTurn) {
    const cpu4 = threadCpuMs();
    const turned = await turnQuadsUpright(frame, detections.map((d) => d.quad), model.quarterTurn.classify, model.quarterTurn.rejectThreshold);
    spendSlowdown(slowdown, cpu4, t4);
    const t5 = performance.now();
    o.t_turn = ms(t4, t5);
    o.t_total = ms(t0, t5);
    if (turned.error) return fail(o, t0, turned.error);
    detections = detections.flatMap((d, k) => (turned.kept[k] ? [{ ...d, quad: turned.quads[k]! }] : []));
  }
  o.detections = detections;
  return o;
}

/**
 * A slowed device's extra work for one model stage begun at thread CPU time `cpu0` (wall time `wall0`):
 * (slowdown − 1) × what the stage has spent so far, in this thread's CPU time, or wall time without a thread clock.
 */
function spendSlowdown(slowdown: number, cpu0: number | undefined, wall0: number): void {
  if (slowdown > 1) burnThreadCpu((cpu0 !== undefined ? threadCpuMs()! - cpu0 : performance.now() - wall0) * (slowdown - 1));
}

function fail(o: FrameOutcome, t0: number, error: AppError): FrameOutcome {
  o.t_total = ms(t0, performance.now());
  o.error = error;
  return o;
}
