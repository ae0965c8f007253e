/**
 * The Kotlin app cannot import the TypeScript contract, and no Android SDK runs here to generate
 * one from the other: so this spec parses the Kotlin side (AppContract.kt, the package, the
 * manifest, version.properties) and fails when any value differs from android-demo/contract.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APP_PACKAGE, BENCHMARK_ACTIVITY, LOG_TAG, MAIN_ACTIVITY } from './app-identity.ts';
import { EXTRA_DEFAULTS, EXTRA_NAMES } from './benchmark-extras.ts';
import { MARKERS } from './logcat-markers.ts';
import { FrameResultSchema, ResultsSchema } from './results-schema.ts';
import modelIo from './model-io.json' with { type: 'json' };

const read = (p: string) => readFileSync(fileURLToPath(new URL(`../app/${p}`, import.meta.url)), 'utf8');
const KOTLIN_DIR = 'src/main/java/dev/riofarm/rio';

/** `const val NAME = "text" | 12 | true` → NAME → value (strings unquoted, numbers and booleans typed). */
function kotlinConstants(src: string): Map<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  for (const m of src.matchAll(/^\s*const val (\w+)\s*=\s*(.+?)\s*$/gm)) {
    const raw = m[2]!;
    const value = /^".*"$/.test(raw) ? JSON.parse(raw) as string : raw === 'true' || raw === 'false' ? raw === 'true' : /^-?\d+$/.test(raw) ? Number(raw) : raw;
    out.set(m[1]!, value);
  }
  return out;
}

/** runId → RUN_ID */
const kotlinName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

const kotlin = kotlinConstants(read(`${KOTLIN_DIR}/AppContract.kt`));

test('AppContract.kt holds the same extra names, defaults, tag and markers as the TypeScript contract', () => {
  assert.equal(kotlin.get('LOG_TAG'), LOG_TAG);
  for (const [key, name] of Object.entries(EXTRA_NAMES)) assert.equal(kotlin.get(`EXTRA_${kotlinName(key)}`), name, `extra ${key}`);
  for (const [key, value] of Object.entries(EXTRA_DEFAULTS)) assert.equal(kotlin.get(`DEFAULT_${kotlinName(key)}`), value, `default ${key}`);
  for (const [key, word] of Object.entries(MARKERS)) assert.equal(kotlin.get(`MARKER_${kotlinName(key)}`), word, `marker ${key}`);
  // results fields added after rio-results/1 first shipped: optional in the schema, named once on the Kotlin side
  const frameFields = ['t_infer_cpu', 't_turn'] as const;
  const modelFields = ['corner_order', 'quarter_turn'] as const;
  const modelSchema = ResultsSchema.properties.model.properties;
  for (const field of [...frameFields, ...modelFields]) {
    assert.ok(field in FrameResultSchema.properties || field in modelSchema, `${field} is a frame or model field of results-schema.ts`);
    assert.equal(kotlin.get(`FIELD_${field.toUpperCase()}`), field, `field ${field}`);
  }
  // the values of model.corner_order
  const orders = modelSchema.corner_order.anyOf.map((t) => t.const);
  for (const order of orders) assert.equal(kotlin.get(`CORNER_ORDER_${order.toUpperCase()}`), order, `corner order ${order}`);
  // nothing in AppContract.kt that the TypeScript side lacks
  const known = 1 + Object.keys(EXTRA_NAMES).length + Object.keys(EXTRA_DEFAULTS).length + Object.keys(MARKERS).length + frameFields.length + modelFields.length + orders.length;
  assert.equal(kotlin.size, known, `AppContract.kt constants: ${[...kotlin.keys()].join(', ')}`);
});

test('the benchmark activity reads its extras and writes its markers only through AppContract', () => {
  const activity = read(`${KOTLIN_DIR}/BenchmarkActivity.kt`);
  assert.doesNotMatch(activity, /get\w+Extra\("/, 'an extra read by a string literal would escape the contract');
  assert.doesNotMatch(activity, /"RIO_[A-Z]+ /, 'a marker written by a string literal would escape the contract');
  assert.match(activity, /AppContract\.MARKER_DONE/);
  // the playlist form (CONTRACT.md "Playlist") is read and announced through the contract too
  for (const name of ['EXTRA_PLAYLIST', 'EXTRA_MANIFEST_WAIT_MS', 'MARKER_SESSION_DONE']) assert.match(activity, new RegExp(`AppContract\\.${name}\\b`), name);
});

test('the app turns each detection with the quarter-turn classifier through the C++ core and writes what it did through AppContract', () => {
  const pipeline = read(`${KOTLIN_DIR}/RioPipeline.kt`);
  const turn = read(`${KOTLIN_DIR}/QuarterTurn.kt`);
  // the core cuts the crop and rolls the quad; Kotlin only runs the interpreter between the two
  const crop = turn.indexOf('RioCore.nativeQuarterTurnCrop('), run = turn.indexOf('interpreter.run('), roll = turn.indexOf('RioCore.nativeTurnUpright(');
  assert.ok(crop >= 0 && crop < run && run < roll, 'crop, inference, roll in that order');
  assert.match(turn, /contract\.quarterTurnFile/, 'the asset name comes from model-io.json');
  assert.match(pipeline, /turn\.upright\(bitmap, d\.quad\)/);
  assert.match(pipeline, /o\.tTurn = ms\(t4, t5\)/);
  const activity = read(`${KOTLIN_DIR}/BenchmarkActivity.kt`);
  for (const name of ['FIELD_T_TURN', 'FIELD_CORNER_ORDER', 'FIELD_QUARTER_TURN', 'CORNER_ORDER_QUARTER_TURN', 'CORNER_ORDER_DETECTOR']) {
    assert.match(activity, new RegExp(`AppContract\\.${name}\\b`), name);
  }
  assert.doesNotMatch(activity, /"(t_turn|corner_order|quarter_turn|detector)"/, 'a field by a string literal would escape the contract');
});

test('the app reads every postprocess parameter of model-io.json, and the quarter-turn output shapes, from the model-io.json it ships', () => {
  const contract = read(`${KOTLIN_DIR}/ModelContract.kt`);
  for (const key of Object.keys(modelIo.postprocess)) assert.match(contract, new RegExp(`p\\.get(Double|Int)\\("${key}"\\)`), `postprocess.${key}`);
  assert.ok('shapes' in modelIo.quarter_turn.output, 'model-io.json lists the classifier\'s output shapes');
  assert.match(contract, /getJSONObject\("output"\)\.getJSONArray\("shapes"\)/, 'the classifier\'s output shapes come from model-io.json');
});

test('the app drops a detection the 5-logit classifier rejects at the contract\'s reject_threshold, through the C++ core', () => {
  const pipeline = read(`${KOTLIN_DIR}/RioPipeline.kt`);
  const turn = read(`${KOTLIN_DIR}/QuarterTurn.kt`);
  const core = read(`${KOTLIN_DIR}/RioCore.kt`);
  // the core judges (rio::turnUpright); Kotlin passes the contract's threshold and reads the verdict
  assert.match(turn, /contract\.rejectThreshold/);
  assert.match(turn, /RioCore\.nativeTurnUpright\(quad, logits\[0\], rejectThreshold\)/);
  assert.match(turn, /contract\.quarterTurnClasses/, 'a [1,4] or [1,5] output, as model-io.json allows');
  // the JNI result: quad (8 floats), no-card probability, rejected flag (jni_bridge.cpp nativeTurnUpright)
  const turnFloats = Number(/const val TURN_FLOATS = (\d+)\b/.exec(core)?.[1]);
  const bridge = read('../cpp/src/jni_bridge.cpp');
  const nativeTurn = bridge.slice(bridge.indexOf('nativeTurnUpright('));
  assert.match(nativeTurn, new RegExp(`flat\\[8\\] = answer\\.no_card;\\s*flat\\[${turnFloats - 1}\\] = answer\\.rejected[\\s\\S]*NewFloatArray\\(${turnFloats}\\)`), `the bridge returns TURN_FLOATS = ${turnFloats} floats`);
  assert.match(turn, /fun upright\(bitmap: Bitmap, quad: FloatArray\): FloatArray\?/, 'null = not a card');
  assert.match(pipeline, /o\.detections\.mapNotNull \{ d -> turn\.upright\(bitmap, d\.quad\)\?\.let/, 'a rejected detection leaves the frame\'s detections');
});

test('the app times inference in thread CPU time around the interpreter call and writes it through AppContract', () => {
  const pipeline = read(`${KOTLIN_DIR}/RioPipeline.kt`);
  const before = pipeline.indexOf('Debug.threadCpuTimeNanos()');
  const call = pipeline.indexOf('interpreter.runForMultipleInputsOutputs(');
  const after = pipeline.indexOf('Debug.threadCpuTimeNanos()', call);
  assert.ok(before >= 0 && before < call && after > call, 'Debug.threadCpuTimeNanos() read before and after the interpreter call');
  assert.match(pipeline, /o\.tInferCpu = ms\(cpu2, cpu3\)/);
  const activity = read(`${KOTLIN_DIR}/BenchmarkActivity.kt`);
  assert.match(activity, /put\(AppContract\.FIELD_T_INFER_CPU, /);
  assert.doesNotMatch(activity, /"t_infer_cpu"/, 'the field by a string literal would escape the contract');
});

test('the package, the manifest activities and the application id are the contract\'s', () => {
  assert.equal(/^applicationId=(.+)$/m.exec(read('version.properties'))?.[1], APP_PACKAGE);
  assert.equal(/^package\s+([\w.]+)/m.exec(read(`${KOTLIN_DIR}/AppContract.kt`))?.[1], APP_PACKAGE);
  const manifest = read('src/main/AndroidManifest.xml');
  for (const activity of [BENCHMARK_ACTIVITY, MAIN_ACTIVITY]) assert.match(manifest, new RegExp(`android:name="${(APP_PACKAGE + activity).replaceAll('.', '\\.')}"`));
});
