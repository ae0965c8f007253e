/**
 * Realistic generated runs written through the store's real write API (createRun, recordDevice,
 * recordScenario, planItems, startAttempt, completeAttempt, the harness's computeAggregates…), for
 * the server's tests and benchmark. Deterministic from a seed. Not a device run: that is the
 * harness's own test.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../../harness/src/store/index.ts';
import type { MeasurementRow, ScenarioFrameRow } from '../../../harness/src/store/rows.ts';
import { computeAggregates } from '../../../harness/src/metrics/aggregate.ts';
import { runAggregateOptions } from '../../../harness/src/metrics/run-aggregate-options.ts';
import { seededRandom } from '../../../harness/src/stats/bootstrap.ts';
import { truthId } from '../../../harness/src/store/truth-id.ts';

export interface SyntheticDevice {
  serial: string; manufacturer: string; model: string; soc: string; abi: string; sdk: number;
  build_fingerprint: string; virtual: boolean;
  /** median t_total in ms */
  latencyMs: number;
}

export interface SyntheticScenario { id: string; lightings: string[]; frames: number; negativeEvery?: number }

export interface SyntheticFarm {
  suite: string;
  runs: number;
  devices: SyntheticDevice[];
  scenarios: SyntheticScenario[];
  seed?: number;
  /** first run's start (ms); later runs one day apart, like nightlies */
  startAt?: number;
  /** a run index from which one device is slower by a factor (a regression to find) */
  slowdown?: { fromRun: number; serial: string; factor: number };
  /** a run index from which a device reports another build fingerprint (an OS update) */
  fingerprintChange?: { atRun: number; serial: string; build_fingerprint: string };
  /** run indexes whose frames are partly thermal-flagged */
  hotRuns?: number[];
  /** folder under which each run's out dir (with logcat/results evidence files) is written */
  outRoot?: string;
  labels?: (runIndex: number) => Record<string, string>;
  /** stored in options_json next to the defaults (e.g. `includeThermal: true`, as `--include-thermal` stores it) */
  options?: Record<string, unknown>;
  /** every n-th frame (by index, from the 3rd) dropped by the replay / failed with an app error, beside the random drops */
  dropEvery?: number;
  errorEvery?: number;
  appVersion?: (runIndex: number) => string;
}

/** How IoU and latency move with lighting (dim and glare are harder, as in the real scenarios). */
const LIGHTING_IOU: Record<string, number> = { plain: 0.93, dim: 0.86, backlight: 0.82, glare: 0.8, warm: 0.91, shadow: 0.88 };
const FRAME_W = 1280, FRAME_H = 720;

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** A card quad near the frame centre, clockwise from its top-left, slightly rotated. */
function cardQuad(rand: () => number): [number, number][] {
  const cx = FRAME_W / 2 + (rand() - 0.5) * 200, cy = FRAME_H / 2 + (rand() - 0.5) * 120;
  const w = 420 + rand() * 80, h = w * 0.58, a = (rand() - 0.5) * 0.4;
  const c = Math.cos(a), s = Math.sin(a);
  return [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([x, y]) =>
    [Math.round((cx + x! * c - y! * s) * 10) / 10, Math.round((cy + x! * s + y! * c) * 10) / 10]);
}

/** The detection a model with this IoU-ish quality would return: corners jittered. */
function jitter(q: [number, number][], px: number, rand: () => number): [number, number][] {
  return q.map(([x, y]) => [x + gaussian(rand) * px, y + gaussian(rand) * px]);
}

export interface GeneratedRun { id: string; startedAt: number; outDir: string | null; measurements: number }

interface TruthFrame { row: ScenarioFrameRow; quad: [number, number][] | null }

async function recordScenarios(store: Store, farm: SyntheticFarm, rand: () => number): Promise<Map<string, { truthSha: string; frames: TruthFrame[] }>> {
  const out = new Map<string, { truthSha: string; frames: TruthFrame[] }>();
  for (const sc of farm.scenarios) {
    const frames: TruthFrame[] = [];
    for (let i = 0; i < sc.frames; i++) {
      const negative = sc.negativeEvery ? i % sc.negativeEvery === sc.negativeEvery - 1 : false;
      const quad = negative ? null : cardQuad(rand);
      const lighting = sc.lightings[i % sc.lightings.length]!;
      frames.push({
        quad,
        row: {
          suite: farm.suite, scenario_id: sc.id, truth_sha256: '', frame_index: i, sha256: sha(`${sc.id}/frame/${i}`),
          width: FRAME_W, height: FRAME_H, negative: negative ? 1 : 0, lighting, lighting_params_json: null,
          cards_json: JSON.stringify(quad ? [{ quad, visible: 1 }] : []),
        },
      });
    }
    const truthSha = truthId(frames.map((f) => f.row));
    for (const f of frames) f.row.truth_sha256 = truthSha;
    await store.recordScenario({ suite: farm.suite, id: sc.id, truth_sha256: truthSha, conditions_json: JSON.stringify(sc.lightings),
      background: 'desk', fps: 0, width: FRAME_W, height: FRAME_H, frame_count: sc.frames }, frames.map((f) => f.row));
    out.set(sc.id, { truthSha, frames });
  }
  return out;
}

/** every n-th frame by index, from the 3rd (0: none) */
const nth = (index: number, every: number | undefined) => Boolean(every) && index % every! === 2;

function measure(frame: TruthFrame, dev: SyntheticDevice, slow: number, hot: boolean, ids: { attempt: string; run: string; scenario: string },
  rand: () => number, farm: Pick<SyntheticFarm, 'dropEvery' | 'errorEvery'> = {}): MeasurementRow {
  const lighting = frame.row.lighting;
  const latency = dev.latencyMs * slow * Math.exp(0.12 * gaussian(rand)) * (lighting === 'dim' ? 1.05 : 1);
  const dropped = rand() < 0.004 || nth(frame.row.frame_index, farm.dropEvery);
  // An app error on a frame: no times, no detections (the contract); drawn after the random stream so other farms are unchanged.
  const failed = !dropped && nth(frame.row.frame_index + 1, farm.errorEvery);
  const base = LIGHTING_IOU[lighting] ?? 0.9;
  const iou = frame.quad ? Math.max(0, Math.min(1, base + 0.05 * gaussian(rand) - (rand() < 0.03 ? 0.6 : 0))) : null;
  const found = !failed && frame.quad !== null && iou! > 0.1;
  const detections = found ? [{ quad: jitter(frame.quad!, (1 - iou!) * 60, rand), score: 0.5 + iou! / 2 }] : [];
  return {
    attempt_id: ids.attempt, run_id: ids.run, serial: dev.serial, scenario_id: ids.scenario, repeat_index: 0,
    frame_index: frame.row.frame_index, lighting, negative: frame.row.negative,
    t_decode: dropped || failed ? null : latency * 0.1, t_pre: dropped || failed ? null : latency * 0.15, t_infer: dropped || failed ? null : latency * 0.65,
    t_post: dropped || failed ? null : latency * 0.1, t_total: dropped || failed ? null : latency, dropped: dropped ? 1 : 0,
    thermal_flag: hot && rand() < 0.3 ? 1 : 0, detections: detections.length, matched: found ? 1 : 0, cards: frame.quad ? 1 : 0,
    iou: frame.quad ? (found ? iou : 0) : null, corner_err_px: found ? (1 - iou!) * 40 : null, corner_err_pct: found ? (1 - iou!) * 8 : null,
    false_detections: 0, detections_json: JSON.stringify(detections), error: failed ? 'INFERENCE_FAILED: synthetic' : null,
  };
}

/** Writes the farm's runs; returns them oldest first. */
export async function writeSyntheticRuns(store: Store, farm: SyntheticFarm): Promise<GeneratedRun[]> {
  const rand = seededRandom(farm.seed ?? 1);
  const scenarios = await recordScenarios(store, farm, rand);
  const startAt = farm.startAt ?? Date.UTC(2026, 9, 1, 2, 0);
  const runs: GeneratedRun[] = [];
  const optionsJson = JSON.stringify({ repeat: 1, threads: 4, ...farm.options });
  for (let r = 0; r < farm.runs; r++) {
    const id = `${farm.suite}-${String(r + 1).padStart(4, '0')}-${sha(`${farm.seed}/${r}`).slice(0, 6)}`;
    const startedAt = startAt + r * 86_400_000;
    const outDir = farm.outRoot ? join(farm.outRoot, id) : null;
    await store.createRun({
      id, suite: farm.suite, status: 'running', exit_code: null, started_at: startedAt, finished_at: null, host: 'farm-host-1',
      out_dir: outDir, apk_sha256: sha('apk'), app_version: farm.appVersion?.(r) ?? '1.4.0', model_sha256: sha(`model/${r < farm.runs / 2 ? 'a' : 'b'}`),
      options_json: optionsJson, virtual_only: farm.devices.every((d) => d.virtual) ? 1 : 0,
    }, farm.labels?.(r) ?? { branch: 'main' });
    const rows: MeasurementRow[] = [];
    for (const dev of farm.devices) {
      const fpChange = farm.fingerprintChange?.serial === dev.serial && r >= farm.fingerprintChange.atRun;
      const { latencyMs: _l, ...fp } = dev;
      const fingerprintId = await store.recordDevice({ ...fp, build_fingerprint: fpChange ? farm.fingerprintChange!.build_fingerprint : dev.build_fingerprint }, startedAt);
      await store.upsertRunDevice({ run_id: id, serial: dev.serial, fingerprint_id: fingerprintId, status: 'running', install_action: r === 0 ? 'installed' : 'skipped' });
      const slow = farm.slowdown?.serial === dev.serial && r >= farm.slowdown.fromRun ? farm.slowdown.factor : 1;
      const hot = farm.hotRuns?.includes(r) ?? false;
      if (hot) await store.addEvent({ run_id: id, serial: dev.serial, at: startedAt + 1000, kind: 'cooldown', detail: 'thermal status 2, waited 40 s' });
      let seq = 0;
      for (const sc of farm.scenarios) {
        const { truthSha, frames } = scenarios.get(sc.id)!;
        const itemId = `${id}/${dev.serial}/${sc.id}/0`;
        const attemptId = `${itemId}/a1`;
        await store.planItems([{ id: itemId, run_id: id, slot_serial: dev.serial, scenario_id: sc.id, truth_sha256: truthSha, repeat_index: 0, seq: seq++, status: 'pending', done_attempt_id: null }]);
        const evidenceDir = `attempts/${dev.serial.replace(/[^A-Za-z0-9._-]/g, '_')}/${sc.id}/a1`;
        await store.startAttempt({ id: attemptId, run_id: id, item_id: itemId, attempt: 1, serial: dev.serial, scenario_id: sc.id, started_at: startedAt + seq * 1000 });
        const measured = frames.map((f) => measure(f, dev, slow, hot, { attempt: attemptId, run: id, scenario: sc.id }, rand, farm));
        if (outDir) {
          mkdirSync(join(outDir, evidenceDir), { recursive: true });
          writeFileSync(join(outDir, evidenceDir, 'logcat.txt'), `I RIO: RIO_START run=${id} frames=${frames.length}\nI RIO: RIO_DONE run=${id} status=ok\n`);
          writeFileSync(join(outDir, evidenceDir, 'results.json'), JSON.stringify({ schema: 'rio-results/1', run_id: id, status: 'ok' }));
        }
        await store.completeAttempt(attemptId, itemId, {
          evidence_dir: evidenceDir, logcat_path: `${evidenceDir}/logcat.txt`, results_path: `${evidenceDir}/results.json`,
          thermal_start: hot ? 2 : 0, thermal_end: hot ? 2 : 0, battery_temp_start: hot ? 41 : 31, battery_temp_end: hot ? 43 : 32,
          delegate_used: 'xnnpack', wall_ms: measured.reduce((s, m) => s + (m.t_total ?? 0), 0) * 1.05,
        }, measured);
        rows.push(...measured);
      }
      await store.upsertRunDevice({ run_id: id, serial: dev.serial, status: 'done' });
    }
    // The run's own options, as `rio-farm run` aggregates (bars, `--include-thermal`).
    await store.replaceAggregates(id, computeAggregates(rows, runAggregateOptions(optionsJson)));
    const failed = (await store.aggregates(id)).some((a) => a.verdict === 'fail');
    await store.finishRun(id, failed ? 'product_failure' : 'passed', failed ? 1 : 0);
    // finishRun stamps the wall clock; nightlies of the past finish on their own day.
    await store.updateRun(id, { finished_at: startedAt + 3_600_000 });
    runs.push({ id, startedAt, outDir, measurements: rows.length });
  }
  return runs;
}

/** A small mixed farm: two phones and a virtual device, three lightings. */
export function smallFarm(overrides: Partial<SyntheticFarm> = {}): SyntheticFarm {
  return {
    suite: 'nightly', runs: 6, seed: 7,
    devices: [
      { serial: 'R5CT10ABCDE', manufacturer: 'samsung', model: 'SM-S911B', soc: 'SM8550', abi: 'arm64-v8a', sdk: 34, build_fingerprint: 'samsung/dm1qxxx/dm1q:14/UP1A/S911BXXU3:user/release-keys', virtual: false, latencyMs: 18 },
      { serial: '2A201FDH300ABC', manufacturer: 'Google', model: 'Pixel 7', soc: 'Tensor G2', abi: 'arm64-v8a', sdk: 34, build_fingerprint: 'google/panther/panther:14/AP2A/1:user/release-keys', virtual: false, latencyMs: 24 },
      { serial: '127.0.0.1:5601', manufacturer: 'rio-farm', model: 'vdevice-mid', soc: 'host', abi: 'x86_64', sdk: 34, build_fingerprint: 'rio/vdevice/mid:14/RIO/1:userdebug/test-keys', virtual: true, latencyMs: 9 },
    ],
    scenarios: [
      { id: 'desk-plain', lightings: ['plain', 'warm'], frames: 40, negativeEvery: 10 },
      { id: 'desk-dim', lightings: ['dim', 'glare'], frames: 40, negativeEvery: 10 },
    ],
    ...overrides,
  };
}
