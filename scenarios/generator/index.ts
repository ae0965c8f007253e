/**
 * The scenarios API: build a suite (script, real-photo folder, or the train generator) into the
 * content-addressed cache and get back every frame with its truth.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RioError } from '../../harness/src/errors.ts';
import { cacheDir, REPO_ROOT } from './cache.ts';
import { buildScenarios, type BuildOptions } from './build.ts';
import { loadSuiteFile } from './suite-file.ts';
import { trainSpecs, validationSpecs, type TrainOptions } from './train.ts';
import { buildPhotoSuite, isPhotoSuite, photoTruthFiles } from './real-photos.ts';
import { readTruth } from './truth-file.ts';
import type { BuiltSuite } from './types.ts';
import { ensureHeldout } from '../heldout/index.ts';

export type { BuiltSuite, BuiltScenario, TruthFrame, TruthCard } from './types.ts';
export { TRUTH_SCHEMA } from './types.ts';
export { CONDITIONS, CONDITION_NAMES } from './conditions.ts';

/** Where suite scripts and real-photo suite folders live. */
export const SUITES_DIR = join(REPO_ROOT, 'scenarios', 'suites');

export interface BuildSuiteOptions extends BuildOptions, TrainOptions {}

export interface SuiteInfo {
  name: string;
  kind: 'script' | 'photos' | 'generator';
  description: string;
  scenarios: number;
  frames: number;
  source: string;
}

/**
 * Builds (or reuses from cache) a suite: a script name (`smoke`), `train` (options: frames,
 * resolution), or a folder of real photos (a name under scenarios/suites/ or any path).
 */
export async function buildSuite(name: string, opts: BuildSuiteOptions = {}): Promise<BuiltSuite> {
  const cache = cacheDir();
  if (name === 'train') {
    return { name, dir: join(cache, name), scenarios: await buildScenarios(cache, trainSpecs(opts), opts) };
  }
  if (name === 'validation') {
    return { name, dir: join(cache, 'train'), scenarios: await buildScenarios(cache, validationSpecs(), opts) };
  }
  if (name === 'heldout') {
    // rendered by different code (scenarios/heldout/heldout.py) on first use, then a real-photo suite
    return { name, dir: join(cache, name), scenarios: await buildPhotoSuite(ensureHeldout(cache), cache, name) };
  }
  const folder = photoFolder(name);
  if (folder) {
    const suite = basename(folder);
    return { name: suite, dir: join(cache, suite), scenarios: await buildPhotoSuite(folder, cache, suite) };
  }
  const file = join(SUITES_DIR, `${name}.yaml`);
  if (!existsSync(file)) {
    throw new RioError('NOT_FOUND', `no suite '${name}' (known: ${listSuites().map((s) => s.name).join(', ')})`, { suite: name });
  }
  const suite = loadSuiteFile(file);
  return { name: suite.name, dir: join(cache, suite.name), scenarios: await buildScenarios(cache, suite.scenarios, opts) };
}

function photoFolder(name: string): string | null {
  for (const dir of [resolve(name), join(SUITES_DIR, name)]) if (name.length > 0 && isPhotoSuite(dir)) return dir;
  return null;
}

/** Every suite this checkout knows: scripts, real-photo folders, and the train generator. */
export function listSuites(): SuiteInfo[] {
  const out: SuiteInfo[] = [];
  for (const entry of readdirSync(SUITES_DIR).sort()) {
    const p = join(SUITES_DIR, entry);
    if (entry.endsWith('.yaml')) {
      const s = loadSuiteFile(p);
      out.push({ name: s.name, kind: 'script', description: s.description, scenarios: s.scenarios.length, frames: s.scenarios.reduce((n, x) => n + x.frames, 0), source: p });
    } else if (statSync(p).isDirectory() && isPhotoSuite(p)) {
      const truths = photoTruthFiles(p).map((t) => readTruth(t).scenario);
      out.push({ name: entry, kind: 'photos', description: 'real photos', scenarios: truths.length, frames: truths.reduce((n, x) => n + x.frames.length, 0), source: p });
    }
  }
  out.push({ name: 'train', kind: 'generator', description: 'random training scenarios (buildSuite("train", { frames }))', scenarios: 0, frames: 0, source: 'scenarios/generator/train.ts' });
  out.push({ name: 'heldout', kind: 'generator', description: 'held-out frames by different code (scenarios/heldout/heldout.py): real photos, other cards, sensor model; never train on it', scenarios: 8, frames: 236, source: 'scenarios/heldout/heldout.py' });
  out.push({ name: 'validation', kind: 'generator', description: 'held-out generator scenarios for choosing post-processing thresholds', scenarios: 300, frames: 1200, source: 'scenarios/generator/train.ts' });
  return out;
}
