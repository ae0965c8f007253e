/**
 * The one schema of the RIO demo app contract (android-demo/CONTRACT.md): the manifest the harness
 * pushes and the results.json the app writes. The harness, the host twin and the tests all validate
 * against these; the Kotlin app writes the same fields.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { RioError, type ErrorCode } from '../../harness/src/errors.ts';

export const RESULTS_SCHEMA_ID = 'rio-results/1';
export const MANIFEST_SCHEMA_ID = 'rio-manifest/1';

const Ms = Type.Number({ minimum: 0, description: 'milliseconds, monotonic clock' });
const PointSchema = Type.Tuple([Type.Number(), Type.Number()]);
export const QuadSchema = Type.Tuple([PointSchema, PointSchema, PointSchema, PointSchema], {
  description: 'four [x,y] corners in frame pixels, clockwise (y down) from the card top-left',
});
export const DelegateName = Type.Union([Type.Literal('cpu'), Type.Literal('xnnpack'), Type.Literal('gpu'), Type.Literal('nnapi')]);

const DeviceSample = Type.Object({
  thermal_status: Type.Integer({ minimum: 0, maximum: 6, description: '0 NONE … 6 SHUTDOWN (PowerManager)' }),
  battery_temp_c: Type.Number(),
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
  dropped: Type.Boolean({ description: 'true when replay fps delivered it while the app was busy; then all t_* are 0 and detections empty' }),
  detections: Type.Array(DetectionSchema),
  width: Type.Optional(Type.Integer({ minimum: 1, description: 'decoded frame width, pixels' })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
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
  }),
  delegate: Type.Object({ requested: DelegateName, used: DelegateName }),
  threads: Type.Integer({ minimum: 1, description: 'threads requested (extra `threads`)' }),
  threads_used: Type.Optional(Type.Integer({ minimum: 1, description: 'threads the interpreter actually ran with' })),
  warmup: Type.Integer({ minimum: 0 }),
  fps: Type.Number({ minimum: 0, description: '0 = as fast as possible' }),
  save_crops: Type.Optional(Type.Boolean()),
  device_state: Type.Object({ start: DeviceSample, end: DeviceSample }),
  started_at: Type.Optional(Type.String({ description: 'ISO-8601 wall clock' })),
  wall_ms: Type.Optional(Ms),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  errors: Type.Array(AppErrorSchema),
  frames: Type.Array(FrameResultSchema),
});

/** The camera that shot a manifest's frames. */
export const ManifestCameraSchema = Type.Object({
  fov_deg: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 180, description: "field of view across the frames' longer side, degrees: crops use it to recover the card's shape" }),
});

export const ManifestSchema = Type.Object({
  schema: Type.Literal(MANIFEST_SCHEMA_ID),
  run_id: Type.String({ minLength: 1 }),
  scenario: Type.String(),
  camera: Type.Optional(ManifestCameraSchema),
  frames: Type.Array(Type.Object({
    index: Type.Integer({ minimum: 0 }),
    file: Type.String({ pattern: '^frames/[^/]+$', description: 'relative to the app external files dir' }),
  })),
});

export type Results = Static<typeof ResultsSchema>;
export type Manifest = Static<typeof ManifestSchema>;
export type ManifestCamera = Static<typeof ManifestCameraSchema>;

/** The manifest the harness pushes for a run of content-addressed frames (CONTRACT.md). */
export function manifestOf(runId: string, scenario: string, frames: readonly { index: number; sha256: string }[], camera?: ManifestCamera): Manifest {
  return { schema: MANIFEST_SCHEMA_ID, run_id: runId, scenario, ...(camera ? { camera } : {}),
    frames: frames.map((f) => ({ index: f.index, file: `frames/${f.sha256}.jpg` })) };
}
export type FrameResult = Static<typeof FrameResultSchema>;
export type Detection = Static<typeof DetectionSchema>;
export type AppError = Static<typeof AppErrorSchema>;
export type Delegate = Static<typeof DelegateName>;

const compiled = new Map<TSchema, TypeCheck<TSchema>>();
function check<T extends TSchema>(schema: T, json: unknown, what: string, where: string, code: ErrorCode): Static<T> {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = TypeCompiler.Compile(schema)));
  if (c.Check(json)) return json as Static<T>;
  const first = c.Errors(json).First();
  const field = first?.path ? first.path.slice(1).replaceAll('/', '.') || '(root)' : '(root)';
  throw new RioError(code, `${what} ${where}: ${field}: ${first?.message ?? 'invalid'}`, { file: where, field });
}

/** Validates a parsed results.json; throws RioError('INVALID_RESULTS') naming the first bad field path. */
export function validateResults(json: unknown, where: string): Results {
  const r = check(ResultsSchema, json, 'results', where, 'INVALID_RESULTS');
  // Cross-field rules the schema cannot say: status matches errors, frames are unique.
  if (r.status === 'ok' && r.errors.length > 0) {
    throw new RioError('INVALID_RESULTS', `results ${where}: status ok with ${r.errors.length} errors`, { file: where, field: 'status' });
  }
  const seen = new Set<number>();
  r.frames.forEach((f, i) => {
    if (seen.has(f.index)) throw new RioError('INVALID_RESULTS', `results ${where}: duplicate frame index ${f.index}`, { file: where, field: `frames.${i}.index` });
    seen.add(f.index);
  });
  return r;
}

/** Validates a manifest (the app side uses it on what the harness pushed). Throws RioError('BAD_ARGUMENT'). */
export function validateManifest(json: unknown, where: string): Manifest {
  return check(ManifestSchema, json, 'manifest', where, 'BAD_ARGUMENT');
}
