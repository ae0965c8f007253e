/**
 * Reading a suite script: YAML → JSON-schema validation (errors name the file, line and field) →
 * scenarios with defaults applied and matrices expanded.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter, isNode, type Document } from 'yaml';
import { Ajv } from 'ajv';
import { RioError } from '../../harness/src/errors.ts';
import { SUITE_SCHEMA } from './suite-schema.ts';
import { Rng } from './rng.ts';
import { randomDesign, type CardDesign } from './card-design.ts';
import type { CameraSpec, LightingSegment, ScenarioSpec } from './scenario-spec.ts';
import type { Background } from './backgrounds.ts';

type Json = Record<string, any>;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSuite = ajv.compile(SUITE_SCHEMA);

/** Locates a JSON path in the YAML source, for error messages. */
class SourceMap {
  constructor(private file: string, private doc: Document, private lines: LineCounter) {}
  where(path: (string | number)[]): { file: string; line: number; field: string } {
    const field = path.length ? path.join('.') : '(root)';
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return { file: this.file, line: this.lines.linePos(node.range[0]).line, field };
    }
    return { file: this.file, line: 1, field };
  }
  fail(path: (string | number)[], message: string): never {
    throw new RioError('BAD_SCENARIO', message, this.where(path));
  }
}

export interface SuiteFile {
  name: string;
  description: string;
  file: string;
  scenarios: ScenarioSpec[];
}

export function loadSuiteFile(file: string): SuiteFile {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const map = new SourceMap(file, doc, lines);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new RioError('BAD_SCENARIO', `YAML syntax: ${e.message.split('\n')[0]}`, { file, line: lines.linePos(e.pos[0]).line, field: '(syntax)' });
  }
  const raw = doc.toJS() as Json;
  if (!validateSuite(raw)) {
    // The deepest error is the most specific one (oneOf reports every branch).
    const errs = [...validateSuite.errors!].sort((a, b) => b.instancePath.length - a.instancePath.length);
    const e = errs.find((x) => x.keyword !== 'oneOf') ?? errs[0]!;
    const path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    if (e.keyword === 'additionalProperties') path.push((e.params as Json).additionalProperty);
    const extra = e.keyword === 'additionalProperties' ? `: unknown field '${(e.params as Json).additionalProperty}'`
      : e.keyword === 'enum' ? `: expected one of ${((e.params as Json).allowedValues as unknown[]).join(', ')}`
      : e.keyword === 'required' ? `: missing '${(e.params as Json).missingProperty}'` : '';
    map.fail(path, `${e.message}${extra}`);
  }
  const defaults = (raw.defaults ?? {}) as Json;
  const scenarios: ScenarioSpec[] = [];
  const ids = new Map<string, number>();
  const seeds = new Map<number, string>();
  (raw.scenarios as Json[]).forEach((s: Json, k: number) => {
    for (const spec of expand(raw.suite, { ...defaults, ...s, camera: { ...defaults.camera, ...s.camera } }, map, ['scenarios', k])) {
      if (ids.has(spec.id)) map.fail(['scenarios', k, 'id'], `duplicate scenario id '${spec.id}'`);
      if (seeds.has(spec.seed)) map.fail(['scenarios', k, 'seed'], `seed ${spec.seed} already used by '${seeds.get(spec.seed)}' (seeds must differ so scenarios differ)`);
      ids.set(spec.id, k); seeds.set(spec.seed, spec.id);
      scenarios.push(spec);
    }
  });
  return { name: raw.suite, description: raw.description ?? '', file, scenarios };
}

const MATRIX_KEYS = ['condition', 'background', 'resolution'] as const;

function expand(suite: string, s: Json, map: SourceMap, at: (string | number)[]): ScenarioSpec[] {
  if (s.seed === undefined) map.fail([...at, 'seed'], "missing 'seed'");
  const m = (s.matrix ?? {}) as Json;
  let combos: Json[] = [{}];
  for (const key of MATRIX_KEYS) {
    if (!m[key]) continue;
    combos = combos.flatMap((c) => (m[key] as unknown[]).map((v) => ({ ...c, [key]: v })));
  }
  return combos.map((c, n) => {
    let id = String(s.id);
    for (const [key, v] of Object.entries(c)) id = id.replaceAll(`{${key}}`, Array.isArray(v) ? v.join('x') : String(v));
    if (combos.length > 1 && id === s.id) id = `${id}-${n}`;
    const merged = { ...s, ...c, seed: s.seed + n };
    if (merged.seed >= 1_000_000_000) map.fail([...at, 'seed'], 'seeds ≥ 1000000000 are reserved for the train generator');
    return normalise(suite, id, merged, map, at);
  });
}

function normalise(suite: string, id: string, s: Json, map: SourceMap, at: (string | number)[]): ScenarioSpec {
  const frames: number = s.frames ?? 20;
  const seed: number = s.seed;
  const cam = (s.camera ?? {}) as Json;
  const camera: CameraSpec = {
    fill: cam.fill ?? 0.55, tilt: cam.tilt ?? 0, tiltAxis: cam.tilt_axis ?? 0, roll: cam.roll ?? 0,
    jitter: cam.jitter ?? 2, position: cam.position ?? [0.5, 0.5], enter: cam.enter,
  };
  const cards = ((s.cards ?? [{}]) as Json[]).map((c, k) => ({
    design: resolveDesign(c.design, Rng.of(seed, 'design', k)),
    offsetMm: (c.offset ?? (k === 0 ? [0, 0] : [70, 45])) as [number, number],
    rotationDeg: c.rotation ?? 0,
  }));
  let lighting: LightingSegment[];
  if (s.condition) lighting = [{ at: 0, condition: s.condition, params: s.params ?? {} }];
  else if (typeof s.lighting === 'string' || s.lighting === undefined) lighting = [{ at: 0, condition: s.lighting ?? 'daylight', params: s.params ?? {} }];
  else lighting = (s.lighting as Json[]).map((seg) => ({ at: seg.at ?? 0, condition: seg.condition, params: { ...s.params, ...seg.params } }));
  lighting.forEach((seg, k) => {
    if (k === 0 && seg.at !== 0) map.fail([...at, 'lighting', 0, 'at'], 'the first lighting segment must start at frame 0');
    if (k > 0 && seg.at <= lighting[k - 1]!.at) map.fail([...at, 'lighting', k, 'at'], 'lighting segments must start at increasing frames');
    if (seg.at >= frames) map.fail([...at, 'lighting', k, 'at'], `segment starts at frame ${seg.at} but the scenario has ${frames} frames`);
  });
  const negativeFrames: number[] = s.negative_frames ?? [];
  negativeFrames.forEach((f, k) => { if (f >= frames) map.fail([...at, 'negative_frames', k], `frame ${f} is beyond the scenario's ${frames} frames`); });
  const finger: [number, number] | null = s.finger === true ? [0, frames - 1] : s.finger ? [s.finger.from, s.finger.to] : null;
  if (finger && finger[1] < finger[0]) map.fail([...at, 'finger'], 'finger.to is before finger.from');
  if (camera.enter && camera.enter.frames >= frames) map.fail([...at, 'camera', 'enter', 'frames'], 'the card must have entered before the last frame');
  return {
    suite, id, seed, frames, fps: s.fps ?? 30, resolution: (s.resolution ?? [1280, 720]) as [number, number],
    background: (s.background ?? 'wood') as Background, cards, camera, finger, negativeFrames, lighting,
  };
}

/** Fills a partial design from the scenario seed; 'random' draws every field. */
export function resolveDesign(d: Json | 'random' | undefined, rng: Rng): CardDesign {
  const r = randomDesign(rng);
  return d === undefined || d === 'random' ? r : { ...r, ...d };
}
