/**
 * Tests: recorded A/A nights written into a real store as nightly runs (run, device, frames, and
 * the runner's own aggregates), optionally with a step applied to every frame — a slower build
 * scales each latency, a worse model lowers each card frame's IoU.
 */
import { computeAggregates } from '../metrics/aggregate.ts';
import { DEFAULT_BARS } from '../metrics/quality-bars.ts';
import type { Store } from '../store/index.ts';
import type { MeasurementRow } from '../store/rows.ts';
import { measurementRows, type AaNight } from './aa-fixture.ts';
import type { ModelRole } from './series.ts';
import { NIGHTLY_LABEL } from './store-series.ts';

export interface StoredNightRun { runId: string; role: ModelRole; at: number; build: string; latencyFactor?: number; iouShift?: number }

const DAY_MS = 86_400_000;
export const nightAt = (i: number) => Date.UTC(2026, 10, 1) + i * DAY_MS;
export const buildSha = (name: string) => name.repeat(64).slice(0, 64);

export async function storeAaNight(store: Store, night: AaNight, r: StoredNightRun, serial = night.device.serial): Promise<void> {
  const rows: MeasurementRow[] = measurementRows(night).map((m) => ({
    ...m, run_id: r.runId, serial, attempt_id: `${r.runId}/${m.scenario_id}/${m.repeat_index}/a1`,
    t_total: m.t_total === null ? null : m.t_total * (r.latencyFactor ?? 1),
    t_infer_cpu: typeof m.t_infer_cpu === 'number' ? m.t_infer_cpu * (r.latencyFactor ?? 1) : m.t_infer_cpu,
    iou: m.iou === null || m.cards === 0 ? m.iou : Math.min(1, Math.max(0, m.iou + (r.iouShift ?? 0))),
  }));
  // Frame indexes per scenario (the fixture numbers frames through the night).
  const seen = new Map<string, number>();
  for (const m of rows) { const k = m.attempt_id; const i = seen.get(k) ?? 0; seen.set(k, i + 1); m.frame_index = i; }
  const fp = await store.recordDevice({ serial, manufacturer: 'rio-farm', model: night.device.model, soc: 'host', abi: 'x86_64', sdk: 34,
    build_fingerprint: 'rio/vdevice/default:14/RIO/1:userdebug/test-keys', virtual: Boolean(night.device.virtual) });
  await store.createRun({ id: r.runId, suite: 'nightly', status: 'running', exit_code: null, started_at: r.at, finished_at: null, host: 'test',
    out_dir: null, apk_sha256: r.build, app_version: null, model_sha256: null, options_json: '{}', virtual_only: night.device.virtual }, { [NIGHTLY_LABEL]: r.role });
  await store.upsertRunDevice({ run_id: r.runId, serial, fingerprint_id: fp, status: 'done' });
  await store.db.tx((t) => store.insertMany(t, 'measurements', rows));
  await store.replaceAggregates(r.runId, computeAggregates(rows, { bars: DEFAULT_BARS }));
  await store.finishRun(r.runId, 'passed', 0);
}

/** Nights before the step in the alert stores of the tests (the detector needs 6). */
export const NIGHTS_BEFORE_STEP = 7;

/**
 * A store with recorded nights as a nightly history: NIGHTS_BEFORE_STEP nights of build "a", then
 * two of build "b" whose model lost 0.02 IoU on every card frame; detection run after each night.
 * Returns the run ids and the nights' detection results.
 */
export async function storeIouStepHistory(store: Store, nights: readonly AaNight[], detect: (tonight: string) => Promise<unknown>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < NIGHTS_BEFORE_STEP + 2; i++) {
    const stepped = i >= NIGHTS_BEFORE_STEP;
    const runId = `r-night-${String(i).padStart(2, '0')}`;
    await storeAaNight(store, nights[i % nights.length]!, { runId, role: 'candidate', at: nightAt(i), build: buildSha(stepped ? 'b' : 'a'),
      iouShift: stepped ? -0.02 : 0 });
    ids.push(runId);
    await detect(runId);
  }
  return ids;
}
