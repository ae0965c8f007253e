/**
 * Building scenarios: reuse what the cache already holds (same spec hash, frames present), render
 * the rest (in a worker pool when there is enough work), store frames by content hash, write truth.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { planFrames, scenarioSetup, type FramePlan } from './frame-plan.ts';
import { FrameRenderer, type RenderedPlan } from './frame-renderer.ts';
import { RenderPool, DEFAULT_WORKERS } from './render-pool.ts';
import { storeFrame } from './cache.ts';
import { cachedScenario, writeTruth } from './truth-file.ts';
import { LONG_SIDE_FOV_DEG } from './camera.ts';
import type { ScenarioSpec } from './scenario-spec.ts';
import type { BuiltScenario, TruthFrame } from './types.ts';

/** Bump when rendering changes in a way the source digest below cannot see (e.g. a new sharp). */
export const GENERATOR_VERSION = 'rio-scenarios/1';

/**
 * The files that decide a frame's pixels and truth. Their digest is part of the cache key, so a
 * change to how frames are drawn invalidates the cache and a stale frame is never served; changes to
 * the pool, CLI or tests do not.
 */
const DRAWING_SOURCES = ['backgrounds.ts', 'camera.ts', 'card-content.ts', 'card-design.ts', 'colour.ts', 'conditions.ts',
  'frame-plan.ts', 'homography.ts', 'optics.ts', 'render-frame.ts', 'rng.ts', 'scene-light.ts', 'scene-render.ts',
  'sensor-isp.ts', 'truth-file.ts', 'build.ts'];
const SOURCE_DIGEST = (() => {
  const dir = dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha256');
  for (const f of DRAWING_SOURCES) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
})();

/** Frames per worker job: large enough to reuse a scenario's textures, small enough to balance. */
const CHUNK_FRAMES = 24;
/** Below this many frames to render, starting workers costs more than it saves. */
const POOL_THRESHOLD = 16;

export interface BuildOptions {
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export function specHash(spec: ScenarioSpec): string {
  return createHash('sha256').update(GENERATOR_VERSION).update(SOURCE_DIGEST).update(JSON.stringify(spec)).digest('hex');
}

export async function buildScenarios(cache: string, specs: ScenarioSpec[], opts: BuildOptions = {}): Promise<BuiltScenario[]> {
  const built: (BuiltScenario | null)[] = specs.map((s) => cachedScenario(truthPathOf(cache, s), specHash(s)));
  const todo = specs.map((s, i) => ({ s, i })).filter(({ i }) => !built[i]);
  const total = todo.reduce((n, t) => n + t.s.frames, 0);
  if (total === 0) return built as BuiltScenario[];
  const workers = opts.workers ?? DEFAULT_WORKERS;
  const pool = total >= POOL_THRESHOLD && workers > 1 ? new RenderPool(workers) : null;
  if (!pool) sharp.concurrency(Math.max(1, workers));
  const local = new FrameRenderer();
  let done = 0;
  const buildOne = async ({ s, i }: { s: ScenarioSpec; i: number }) => {
      const hash = specHash(s);
      const plans = planFrames(s);
      const setup = scenarioSetup(s, plans, hash);
      const chunks: FramePlan[][] = [];
      for (let k = 0; k < plans.length; k += CHUNK_FRAMES) chunks.push(plans.slice(k, k + CHUNK_FRAMES));
      const frames: TruthFrame[] = new Array(plans.length);
      const store = (rendered: RenderedPlan[]) => {
        for (const r of rendered) frames[r.index] = truthFrame(cache, s, plans[r.index]!, r);
        done += rendered.length;
        opts.onProgress?.(done, total);
      };
      if (pool) await Promise.all(chunks.map(async (c) => store(await pool.render(setup, c))));
      else for (const c of chunks) store(await local.render(setup, c));
      const scenario: BuiltScenario = {
        id: s.id, suite: s.suite, conditions: [...new Set(s.lighting.map((l) => l.condition))], background: s.background,
        fps: s.fps, resolution: s.resolution, truthPath: truthPathOf(cache, s), frames, camera: { fov_deg: LONG_SIDE_FOV_DEG },
      };
      writeTruth(scenario, hash);
      built[i] = scenario;
  };
  try {
    // With a pool every chunk is queued at once, the most pixels first: the jobs left at the end are
    // then small ones, so neither worker idles while the other renders a big scenario (nightly's
    // 1080×1920 one is last in its script). In-process, scenarios go one by one to keep textures.
    if (pool) await Promise.all([...todo].sort((a, b) => pixelsOf(b.s) - pixelsOf(a.s)).map(buildOne));
    else for (const t of todo) await buildOne(t);
  } finally {
    await pool?.close();
  }
  return built as BuiltScenario[];
}

const pixelsOf = (s: ScenarioSpec) => s.resolution[0] * s.resolution[1] * s.frames;

export function truthPathOf(cache: string, s: ScenarioSpec): string {
  return join(cache, s.suite, s.id, 'truth.json');
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

function truthFrame(cache: string, s: ScenarioSpec, plan: FramePlan, r: RenderedPlan): TruthFrame {
  const { sha256, path } = storeFrame(cache, r.jpeg);
  const cards = r.cards.filter((c) => c.visible > 0).map((c) => ({
    quad: c.quad.map(([x, y]) => [round(x), round(y)] as const) as unknown as TruthFrame['cards'][number]['quad'],
    visible: round(c.visible),
  }));
  return {
    index: plan.index, path, sha256, width: s.resolution[0], height: s.resolution[1], negative: cards.length === 0, cards,
    lighting: { tags: [plan.condition], params: Object.fromEntries(Object.entries(plan.params).map(([k, v]) => [k, round(v)])) },
  };
}
