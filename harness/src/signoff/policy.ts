/**
 * The sign-off policy: a versioned YAML file (default scenarios/policies/signoff.yaml) saying how
 * much to measure and where each gate's margin lies. Checked against one TypeBox schema through the
 * one schema check — an error names the file and the field's JSON path (exit 3) — and hashed, so a
 * report says exactly which rules it was judged by.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Type, type Static, type TProperties } from 'typebox';
import { RioError } from '../errors.ts';
import { checkSchema } from '../schema-check.ts';

export const POLICY_VERSION = 1;
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../../scenarios/policies/signoff.yaml', import.meta.url));
export const QUICK_POLICY_PATH = fileURLToPath(new URL('../../../scenarios/policies/signoff-quick.yaml', import.meta.url));

export interface LoadedPolicy { policy: SignoffPolicy; sha256: string; text: string; path: string }

/** Reads, parses and validates a policy file; its hash is of the exact bytes. */
export function loadPolicy(path: string = DEFAULT_POLICY_PATH): LoadedPolicy {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new RioError('BAD_CONFIG', `cannot read policy: ${(err as Error).message}`, { file: path });
  }
  return { policy: parsePolicy(text, path), sha256: createHash('sha256').update(text).digest('hex'), text, path };
}

/** Parses and validates policy YAML text; throws BAD_CONFIG naming the file and the field's JSON path. */
export function parsePolicy(text: string, file = 'policy'): SignoffPolicy {
  let raw: unknown;
  try { raw = parse(text); } catch (err) {
    throw new RioError('BAD_CONFIG', `policy is not YAML: ${(err as Error).message}`, { file });
  }
  return validatePolicy(raw, file);
}

/** A number in [lo, hi] (an integer when asked). */
const Num = (lo: number, hi: number, description?: string) => Type.Number({ minimum: lo, maximum: hi, ...(description ? { description } : {}) });
const Int = (lo: number, hi: number, description?: string) => Type.Integer({ minimum: lo, maximum: hi, ...(description ? { description } : {}) });
/** Every mapping is closed: an unknown field (a typo) is refused instead of silently falling back to a default. */
const Section = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });

/** The one schema of a policy file: every field required, each with its range. */
export const PolicySchema = Section({
  version: Type.Literal(POLICY_VERSION),
  name: Type.String({ minLength: 1, pattern: '\\S', description: 'shown in every report (say "quick" or "test" when it is not a release policy)' }),
  suite: Type.String({ minLength: 1, pattern: '\\S' }),
  block: Section({ frames: Int(1, 100_000, 'frames per block'), warmup: Int(0, 1000, 'app warm-up inferences before each block, discarded') }),
  minimums: Section({
    frames: Int(1, 10_000_000, 'timed frames per arm per device'),
    seconds: Num(0, 86_400, 'measured seconds per arm per device'),
    units: Int(2, 10_000, 'ABBA units per device (fewer give no usable bootstrap)'),
  }),
  budget: Section({ max_units: Int(1, 10_000) }),
  throttle: Section({ cooldown_s: Num(0, 3600), max_retries: Int(0, 10) }),
  statistics: Section({ confidence: Num(0.5, 0.9999), bootstrap_iterations: Int(100, 1_000_000), seed: Int(0, 2 ** 32 - 1) }),
  gates: Section({
    latency: Section({ quantile: Num(0.01, 0.99), max_ratio: Num(1, 10) }),
    iou: Section({ min_delta: Num(-1, 0) }),
    detection_rate: Section({ min_delta: Num(-1, 0) }),
    false_detection_rate: Section({ max_delta: Num(0, 1) }),
    crop_success: Section({ min_delta: Num(-1, 0), crop_iou: Num(0.01, 1) }),
    model_size: Section({ max_ratio: Num(0.01, 100) }),
    parity: Section({ max_abs: Num(0, 1e6) }),
  }),
});

export type SignoffPolicy = Static<typeof PolicySchema>;

/** Checks a parsed policy through the one schema check; the one cross-field rule after it. */
export function validatePolicy(raw: unknown, file = 'policy'): SignoffPolicy {
  const p = checkSchema(PolicySchema, raw, { what: `policy ${file}:`, code: 'BAD_CONFIG', where: { file } });
  if (p.minimums.units > p.budget.max_units) {
    throw new RioError('BAD_CONFIG', `policy ${file}: /budget/max_units: must be at least /minimums/units (${p.minimums.units}), got ${p.budget.max_units}`,
      { file, field: '/budget/max_units' });
  }
  return p;
}
