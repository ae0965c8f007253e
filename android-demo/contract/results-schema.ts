/**
 * The one schema of results.json, what the RIO demo app writes (android-demo/CONTRACT.md), and the
 * checks the harness holds it to. The harness, the host twin and the tests all validate against
 * it; the Kotlin app writes the same fields. The manifest it answers: manifest-schema.ts.
 */
import { Type, type Static } from 'typebox';
import { RioError } from '../../harness/src/errors.ts';
import { checkContract } from './schema-check.ts';
import type { Manifest } from './manifest-schema.ts';

export const RESULTS_SCHEMA_ID = 'rio-results/1';

/**
 * Bounds on what a number can mean. A device's results.json is untrusted (tampered or buggy
 * firmware): a stage of an hour, a frame wider than 16384 px or a corner a million pixels away is
 * not a measurement but a broken or lying app, and must not reach the statistics.
 */
export const RESULT_BOUNDS = { maxStageMs: 3_600_000, maxRunMs: 86_400_000, maxFrameSide: 16384, maxCoordinate: 100_000 } as const;
const Ms = Type.Number({ minimum: 0, maximum: RESULT_BOUNDS.maxStageMs, description: 'milliseconds, monotonic clock' });
const Coordinate = Type.Number({ minimum: -RESULT_BOUNDS.maxCoordinate, maximum: RESULT_BOUNDS.maxCoordinate });
const PointSchema = Type.Tuple([Coordinate, Coordinate]);
export const QuadSchema = Type.Tuple([PointSchema, PointSchema, PointSchema, PointSchema], {
  description: 'four [x,y] corners in frame pixels, clockwise (y down) from the card top-left',
});
export const DelegateName = Type.Union([Type.Literal('cpu'), Type.Literal('xnnpack'), Type.Literal('gpu'), Type.Literal('nnapi')]);

const DeviceSample = Type.Object({
  thermal_status: Type.Integer({ minimum: 0, maximum: 6, description: '0 NONE … 6 SHUTDOWN (PowerManager)' }),
  battery_temp_c: Type.Number({ minimum: -50, maximum: 150 }),
});

export const AppErrorSchema = Type.Object({
  code: Type.String({ minLength: 1 }),
  message: Type.String(),
  frame: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const DetectionSchema = Type.Object({
  quad: QuadSchema,
  score: Type.Number({ minimum: 0, maximum: 1 }),
});

export const FrameResultSchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  file: Type.String({ minLength: 1 }),
  t_decode: Ms,
  t_pre: Ms,
  t_infer: Ms,
  t_post: Ms,
  t_total: Ms,
  t_turn: Type.Optional(Type.Number({ minimum: 0, maximum: RESULT_BOUNDS.maxStageMs,
    description: 'the quarter-turn classifier on every detection: C++ crop, inference, roll (absent: no classifier, or a dropped frame); inside t_total, after t_post' })),
  t_infer_cpu: Type.Optional(Type.Number({ minimum: 0, maximum: RESULT_BOUNDS.maxStageMs,
    description: 'the inference call in the calling thread\'s CPU time, ms (absent: an app without a thread clock, or a dropped frame)' })),
  dropped: Type.Boolean({ description: 'true when replay fps delivered it while the app was busy; then all t_* are 0 and detections empty' }),
  detections: Type.Array(DetectionSchema),
  width: Type.Optional(Type.Integer({ minimum: 1, maximum: RESULT_BOUNDS.maxFrameSide, description: 'decoded frame width, pixels' })),
  height: Type.Optional(Type.Integer({ minimum: 1, maximum: RESULT_BOUNDS.maxFrameSide })),
  warmup: Type.Optional(Type.Boolean({ description: 'never set on reported frames; warm-up frames are not reported' })),
  error: Type.Optional(AppErrorSchema),
});

export const ResultsSchema = Type.Object({
  schema: Type.Literal(RESULTS_SCHEMA_ID),
  run_id: Type.String({ minLength: 1 }),
  scenario: Type.Optional(Type.String()),
  app: Type.Object({
    package: Type.String({ minLength: 1 }),
    version_name: Type.String(),
    version_code: Type.Integer({ minimum: 1 }),
    apk_sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    runtime: Type.Optional(Type.String({ description: 'e.g. "tflite-2.16 jni" on phones, "litert.js host-twin" on vdevices' })),
  }),
  model: Type.Object({
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    input_shape: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }),
    corner_order: Type.Optional(Type.Union([Type.Literal('quarter_turn'), Type.Literal('detector')], {
      description: 'who chose each quad\'s first corner: the quarter-turn classifier on its crop, or the detector alone (an APK without quarter_turn.tflite); absent: an app older than the classifier' })),
    quarter_turn: Type.Optional(Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'of the quarter_turn.tflite bytes run' }) })),
  }),
  delegate: Type.Object({ requested: DelegateName, used: DelegateName }),
  threads: Type.Integer({ minimum: 1, description: 'threads requested (extra `threads`)' }),
  threads_used: Type.Optional(Type.Integer({ minimum: 1, description: 'threads the interpreter actually ran with' })),
  warmup: Type.Integer({ minimum: 0 }),
  fps: Type.Number({ minimum: 0, description: '0 = as fast as possible' }),
  save_crops: Type.Optional(Type.Boolean()),
  session: Type.Optional(Type.Object({
    id: Type.String({ minLength: 1 }),
    position: Type.Integer({ minimum: 0, description: 'this scenario\'s place in the playlist; warm-up ran once, before position 0' }),
  }, { description: 'present when the scenario ran in a playlist session (CONTRACT.md "Playlist")' })),
  device_state: Type.Object({ start: DeviceSample, end: DeviceSample }),
  started_at: Type.Optional(Type.String({ description: 'ISO-8601 wall clock' })),
  wall_ms: Type.Optional(Type.Number({ minimum: 0, maximum: RESULT_BOUNDS.maxRunMs })),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  errors: Type.Array(AppErrorSchema),
  frames: Type.Array(FrameResultSchema),
});


export type Results = Static<typeof ResultsSchema>;

export type FrameResult = Static<typeof FrameResultSchema>;
export type Detection = Static<typeof DetectionSchema>;
export type AppError = Static<typeof AppErrorSchema>;
export type Delegate = Static<typeof DelegateName>;


/** Validates a parsed results.json; throws RioError('INVALID_RESULTS') naming the first bad field path. */
export function validateResults(json: unknown, where: string): Results {
  const r = checkContract(ResultsSchema, json, 'results', where, 'INVALID_RESULTS');
  // Cross-field rules the schema cannot say: status matches errors, frames are unique.
  if (r.status === 'ok' && r.errors.length > 0) {
    throw new RioError('INVALID_RESULTS', `results ${where}: status ok with ${r.errors.length} errors`, { file: where, field: '/status' });
  }
  const seen = new Set<number>();
  r.frames.forEach((f, i) => {
    if (seen.has(f.index)) throw new RioError('INVALID_RESULTS', `results ${where}: duplicate frame index ${f.index}`, { file: where, field: `/frames/${i}/index` });
    seen.add(f.index);
  });
  return r;
}

/**
 * results.json may only name the frames of the manifest it answers: every manifest frame once
 * (dropped ones included, CONTRACT.md), with the manifest's file, and app errors only about those
 * frames. Throws INVALID_RESULTS naming the device, file, field and frame.
 */
export function checkResultsFrames(r: Results, manifest: Manifest, where: { device: string; file: string }): void {
  const files = new Map(manifest.frames.map((f) => [f.index, f.file]));
  const fail = (message: string, field: string, frame: number) =>
    new RioError('INVALID_RESULTS', `results ${where.file}: ${message}`, { device: where.device, file: where.file, field, frame });
  r.frames.forEach((f, i) => {
    const file = files.get(f.index);
    if (file === undefined) throw fail(`frame ${f.index} is not in the manifest`, `/frames/${i}/index`, f.index);
    if (f.file !== file) throw fail(`frame ${f.index} names file ${JSON.stringify(f.file.slice(0, 200))}, the manifest ${file}`, `/frames/${i}/file`, f.index);
  });
  r.errors.forEach((e, i) => {
    if (e.frame !== undefined && !files.has(e.frame)) throw fail(`error about frame ${e.frame}, which is not in the manifest`, `/errors/${i}/frame`, e.frame);
  });
  if (r.status === 'ok' && r.frames.length !== manifest.frames.length) {
    const reported = new Set(r.frames.map((f) => f.index));
    const missing = manifest.frames.find((f) => !reported.has(f.index));
    throw fail(`${r.frames.length} frames reported for a manifest of ${manifest.frames.length}`, '/frames', missing?.index ?? -1);
  }
}
