/**
 * Real-photo suites: a folder holding a truth.json (or subfolders each holding one) next to the
 * photos it annotates. Photos are copied into the content-addressed cache (PNGs become JPEGs)
 * so devices receive them the same way as generated frames.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { RioError } from '../../harness/src/errors.ts';
import { storeFrame } from './cache.ts';
import { readTruth, writeTruth } from './truth-file.ts';
import type { BuiltScenario } from './types.ts';

/** truth.json files of a photo suite folder: its own and its immediate subfolders'. */
export function photoTruthFiles(dir: string): string[] {
  const own = join(dir, 'truth.json');
  const subs = readdirSync(dir).map((n) => join(dir, n, 'truth.json')).filter((p) => existsSync(p) && statSync(p).isFile());
  return existsSync(own) ? [own, ...subs] : subs;
}

export function isPhotoSuite(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && photoTruthFiles(dir).length > 0;
}

export async function buildPhotoSuite(dir: string, cache: string, suite = basename(dir)): Promise<BuiltScenario[]> {
  const out: BuiltScenario[] = [];
  for (const truthFile of photoTruthFiles(dir)) {
    const { scenario, doc } = readTruth(truthFile);
    const frames = [];
    for (const [k, f] of scenario.frames.entries()) {
      if (!existsSync(f.path)) throw new RioError('BAD_SCENARIO', `photo not found: ${f.path}`, { file: truthFile, field: `frames.${k}.file` });
      let bytes: Buffer = readFileSync(f.path);
      const meta = await sharp(bytes).metadata();
      if (meta.format !== 'jpeg') bytes = await sharp(bytes).jpeg({ quality: 95 }).toBuffer();
      const stored = storeFrame(cache, bytes);
      frames.push({ ...f, path: stored.path, sha256: stored.sha256, width: meta.width ?? f.width, height: meta.height ?? f.height });
    }
    const built: BuiltScenario = {
      ...scenario, suite, frames,
      conditions: scenario.conditions.length ? scenario.conditions : ['real'],
      resolution: doc.resolution ?? [frames[0]?.width ?? 0, frames[0]?.height ?? 0],
      truthPath: join(cache, suite, scenario.id, 'truth.json'),
    };
    writeTruth(built, `photos:${frames.map((f) => f.sha256).join(',')}`);
    out.push(built);
  }
  return out;
}
