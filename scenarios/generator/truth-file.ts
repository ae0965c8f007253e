/**
 * truth.json (`rio-truth/1`): one per scenario, frame files relative to the truth.json folder.
 * The same format describes a folder of real photos, so users can add annotated shots.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { RioError } from '../../harness/src/errors.ts';
import { writeAtomic } from './cache.ts';
import { TRUTH_SCHEMA, type BuiltScenario, type TruthFrame } from './types.ts';

const point = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
const TRUTH_JSON_SCHEMA = {
  type: 'object', required: ['schema', 'id', 'frames'],
  properties: {
    schema: { const: TRUTH_SCHEMA },
    id: { type: 'string', minLength: 1 },
    suite: { type: 'string' },
    conditions: { type: 'array', items: { type: 'string' } },
    background: { type: 'string' },
    fps: { type: 'number' },
    resolution: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    spec_hash: { type: 'string' },
    camera: { type: 'object', required: ['fov_deg'], properties: { fov_deg: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 180 } } },
    frames: {
      type: 'array',
      items: {
        type: 'object', required: ['index', 'file', 'cards'],
        properties: {
          index: { type: 'integer', minimum: 0 },
          file: { type: 'string', minLength: 1 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          width: { type: 'integer', minimum: 1 },
          height: { type: 'integer', minimum: 1 },
          negative: { type: 'boolean' },
          cards: {
            type: 'array',
            items: {
              type: 'object', required: ['quad'],
              properties: { quad: { type: 'array', items: point, minItems: 4, maxItems: 4 }, visible: { type: 'number', minimum: 0, maximum: 1 } },
            },
          },
          lighting: {
            type: 'object',
            properties: { tags: { type: 'array', items: { type: 'string' } }, params: { type: 'object', additionalProperties: { type: 'number' } } },
          },
        },
      },
    },
  },
};
const validateTruth = new Ajv({ allErrors: false, strict: false }).compile(TRUTH_JSON_SCHEMA);

/** On disk a scenario is its BuiltScenario with frame files relative to the truth.json folder. */
export interface TruthDoc extends Omit<BuiltScenario, 'truthPath' | 'frames'> {
  schema: typeof TRUTH_SCHEMA;
  spec_hash?: string;
  frames: (Omit<TruthFrame, 'path'> & { file: string })[];
}

export function writeTruth(s: BuiltScenario, specHash: string): void {
  const dir = dirname(s.truthPath);
  const doc: TruthDoc = {
    schema: TRUTH_SCHEMA, id: s.id, suite: s.suite, conditions: s.conditions, background: s.background,
    fps: s.fps, resolution: s.resolution, spec_hash: specHash, ...(s.camera ? { camera: s.camera } : {}),
    frames: s.frames.map(({ path, ...f }) => ({ ...f, file: relative(dir, path) })),
  };
  writeAtomic(s.truthPath, JSON.stringify(doc, null, 1));
}

/** Reads and validates a truth.json; frame paths become absolute. Errors name the file and field. */
export function readTruth(truthPath: string): { scenario: BuiltScenario; doc: TruthDoc } {
  let doc: TruthDoc;
  try {
    doc = JSON.parse(readFileSync(truthPath, 'utf8'));
  } catch (err) {
    throw new RioError('BAD_SCENARIO', `cannot read truth: ${(err as Error).message}`, { file: truthPath });
  }
  if (!validateTruth(doc)) {
    const e = validateTruth.errors![0]!;
    throw new RioError('BAD_SCENARIO', `invalid truth.json: ${e.message}`, { file: truthPath, field: e.instancePath || '(root)' });
  }
  const dir = dirname(truthPath);
  const frames: TruthFrame[] = doc.frames.map((f) => ({
    index: f.index, path: resolve(dir, f.file), sha256: f.sha256 ?? '', width: f.width ?? 0, height: f.height ?? 0,
    negative: f.negative ?? f.cards.length === 0, cards: f.cards.map((c) => ({ quad: c.quad, visible: c.visible ?? 1 })),
    lighting: { tags: f.lighting?.tags ?? [], params: f.lighting?.params ?? {} },
  }));
  return {
    doc,
    scenario: {
      id: doc.id, suite: doc.suite ?? '', conditions: doc.conditions ?? [], background: doc.background ?? 'unknown',
      fps: doc.fps ?? 0, resolution: doc.resolution ?? [frames[0]?.width ?? 0, frames[0]?.height ?? 0], truthPath, frames,
      ...(doc.camera ? { camera: doc.camera } : {}),
    },
  };
}

/** A cached scenario is reusable when it was built from the same spec and every frame file is there. */
export function cachedScenario(truthPath: string, specHash: string): BuiltScenario | null {
  if (!existsSync(truthPath)) return null;
  try {
    const { scenario, doc } = readTruth(truthPath);
    if (doc.spec_hash !== specHash) return null;
    return scenario.frames.every((f) => existsSync(f.path)) ? scenario : null;
  } catch {
    return null;
  }
}
