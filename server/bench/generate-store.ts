/**
 * Generates the benchmark store: R runs × D devices × F frames of realistic measurement rows in
 * SQLite, with prepared statements and one transaction per run (20 M rows must not take hours),
 * then the server's own pre-aggregation (summarizeRun) for every run, as ingest would.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprintId, openStore } from '../../harness/src/store/index.ts';
import { truthId } from '../../harness/src/store/truth-id.ts';
import { summarizeRun } from '../src/queries/run-summary.ts';
import { sha } from '../src/testing/synthetic-runs.ts';

export interface BenchShape { runs: number; devices: number; frames: number }

const SCENARIOS = 10;
const LIGHTINGS = ['plain', 'dim', 'backlight', 'glare', 'warm'];
const LIGHTING_IOU = [0.93, 0.86, 0.82, 0.8, 0.91];
const DAY = 86_400_000;

/** xorshift32: fast and deterministic; Math.random would make two bench stores differ. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

export function benchDevices(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const virtual = i >= n - Math.max(1, Math.floor(n / 5));
    return {
      serial: virtual ? `127.0.0.1:${5600 + i}` : `R5CT${String(1000 + i)}XYZ`,
      manufacturer: virtual ? 'rio-farm' : ['samsung', 'Google', 'Xiaomi', 'OnePlus'][i % 4]!,
      model: virtual ? `vdevice-${i}` : ['SM-S911B', 'Pixel 7', '23049PCD8G', 'CPH2449'][i % 4]! + `-${i}`,
      virtual, latency: virtual ? 9 + i : 14 + i * 3,
    };
  });
}

export interface GenerationReport { rows: number; insertSeconds: number; summarySeconds: number; bytes: number }

export async function generateBenchStore(path: string, shape: BenchShape, log: (s: string) => void): Promise<GenerationReport> {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  for (const p of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(p, { force: true });
  const store = await openStore(`sqlite:${partial}`); // the real migrations, 050 included
  await store.close();
  const db = new Database(partial);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a generated store is rebuilt, not recovered
  // The measurements indexes outgrow SQLite's default 2 MB page cache within a few million rows,
  // after which every insert waits on page reads: give the generator 2 GB.
  db.pragma('cache_size = -2000000');
  const ins = (table: string, cols: string[]) => db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const run = ins('runs', ['id', 'suite', 'status', 'exit_code', 'started_at', 'finished_at', 'host', 'out_dir', 'apk_sha256', 'app_version', 'model_sha256', 'options_json', 'virtual_only']);
  const label = ins('run_labels', ['run_id', 'key', 'value']);
  const fp = ins('device_fingerprints', ['id', 'serial', 'manufacturer', 'model', 'soc', 'abi', 'sdk', 'build_fingerprint', 'virtual', 'first_seen']);
  const dev = ins('devices', ['serial', 'fingerprint_id', 'manufacturer', 'model', 'soc', 'abi', 'sdk', 'build_fingerprint', 'virtual', 'first_seen', 'last_seen']);
  const runDev = ins('run_devices', ['run_id', 'serial', 'fingerprint_id', 'status', 'install_action', 'health_failures']);
  const scen = ins('scenarios', ['suite', 'id', 'truth_sha256', 'conditions_json', 'background', 'fps', 'width', 'height', 'frame_count']);
  const sframe = ins('scenario_frames', ['suite', 'scenario_id', 'truth_sha256', 'frame_index', 'sha256', 'width', 'height', 'negative', 'lighting', 'lighting_params_json', 'cards_json']);
  const item = ins('work_items', ['id', 'run_id', 'slot_serial', 'scenario_id', 'truth_sha256', 'repeat_index', 'seq', 'status', 'done_attempt_id']);
  const attempt = ins('attempts', ['id', 'run_id', 'item_id', 'attempt', 'serial', 'scenario_id', 'started_at', 'finished_at', 'outcome', 'evidence_dir', 'logcat_path', 'results_path', 'thermal_start', 'thermal_end', 'delegate_used', 'wall_ms']);
  const meas = ins('measurements', ['attempt_id', 'run_id', 'serial', 'scenario_id', 'repeat_index', 'frame_index', 'lighting', 'negative', 't_decode', 't_pre', 't_infer', 't_post', 't_total', 'dropped', 'thermal_flag', 'detections', 'matched', 'cards', 'iou', 'corner_err_px', 'corner_err_pct', 'false_detections', 'detections_json', 'error']);
  const agg = ins('aggregates', ['run_id', 'serial', 'scenario_id', 'lighting', 'frames', 'card_frames', 'negative_frames', 'latency_n', 'thermal_excluded', 'false_detections', 'verdict']);

  const rand = rng(42);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const devices = benchDevices(shape.devices);
  const perScenario = Math.ceil(shape.frames / SCENARIOS);
  const t0 = Date.now() - shape.runs * DAY;
  const fpIds = new Map<string, string>();
  const truths: string[] = [];
  db.transaction(() => {
    for (const d of devices) {
      const f = { manufacturer: d.manufacturer, model: d.model, soc: d.virtual ? 'host' : 'SM8550', abi: d.virtual ? 'x86_64' : 'arm64-v8a', sdk: 34,
        build_fingerprint: `${d.manufacturer}/${d.model}:14/UP1A/1:user/release-keys`, virtual: d.virtual ? 1 : 0 };
      // Ids derived as the store derives them, so a bench run's export passes ingest's checks.
      const id = fingerprintId(d.serial, f);
      fpIds.set(d.serial, id);
      const fields = [f.manufacturer, f.model, f.soc, f.abi, f.sdk, f.build_fingerprint, f.virtual];
      fp.run(id, d.serial, ...fields, t0);
      dev.run(d.serial, id, ...fields, t0, t0 + shape.runs * DAY);
    }
    for (let s = 0; s < SCENARIOS; s++) {
      const frames = Array.from({ length: perScenario }, (_, f) => ({
        frame_index: f, sha256: sha(`bench/${s}/${f}`), width: 1280, height: 720, negative: f % 20 === 19 ? 1 : 0,
        lighting: LIGHTINGS[(s + f) % LIGHTINGS.length]!, lighting_params_json: null,
        cards_json: f % 20 === 19 ? '[]' : '[{"quad":[[430,200],[850,215],[840,460],[420,445]],"visible":1}]' }));
      const truth = truthId(frames);
      truths.push(truth);
      scen.run('nightly', `scenario-${s}`, truth, '[]', 'desk', 0, 1280, 720, perScenario);
      for (const fr of frames) {
        sframe.run('nightly', `scenario-${s}`, truth, fr.frame_index, fr.sha256, fr.width, fr.height, fr.negative, fr.lighting, fr.lighting_params_json, fr.cards_json);
      }
    }
  })();

  const started = Date.now();
  let rows = 0;
  for (let r = 0; r < shape.runs; r++) {
    const runId = `nightly-${String(r + 1).padStart(5, '0')}`;
    const at = t0 + r * DAY;
    db.transaction(() => {
      run.run(runId, 'nightly', 'passed', 0, at, at + 3_600_000, 'farm-host-1', `reports/${runId}`, sha('apk'), r < shape.runs / 2 ? '1.4.0' : '1.5.0', sha(`model/${Math.floor(r / 100)}`), '{}', 0);
      label.run(runId, 'branch', 'main');
      for (const d of devices) {
        runDev.run(runId, d.serial, fpIds.get(d.serial), 'done', 'skipped', 0);
        const hot = rand() < 0.05;
        for (let s = 0; s < SCENARIOS; s++) {
          const scenarioId = `scenario-${s}`;
          const itemId = `${runId}/${d.serial}/${scenarioId}/0`;
          const attemptId = `${itemId}/a1`;
          item.run(itemId, runId, d.serial, scenarioId, truths[s]!, 0, s, 'done', attemptId);
          attempt.run(attemptId, runId, itemId, 1, d.serial, scenarioId, at, at + 60_000, 'ok', `attempts/${s}`, `attempts/${s}/logcat.txt`, `attempts/${s}/results.json`, hot ? 2 : 0, hot ? 2 : 0, 'xnnpack', 60_000);
          const counts = new Map<string, number>();
          for (let f = 0; f < perScenario && s * perScenario + f < shape.frames; f++) {
            const lighting = LIGHTINGS[(s + f) % LIGHTINGS.length]!;
            counts.set(lighting, (counts.get(lighting) ?? 0) + 1);
            const negative = f % 20 === 19;
            const t = d.latency * Math.exp(0.12 * gauss());
            const iou = negative ? null : Math.max(0, Math.min(1, LIGHTING_IOU[(s + f) % LIGHTINGS.length]! + 0.05 * gauss()));
            const j = () => (rand() * 8 - 4).toFixed(1);
            const dets = negative ? '[]' : `[{"quad":[[${430 + +j()},${200 + +j()}],[${850 + +j()},${215 + +j()}],[${840 + +j()},${460 + +j()}],[${420 + +j()},${445 + +j()}]],"score":0.93}]`;
            meas.run(attemptId, runId, d.serial, scenarioId, 0, f, lighting, negative ? 1 : 0, t * 0.1, t * 0.15, t * 0.65, t * 0.1, t,
              0, hot && rand() < 0.3 ? 1 : 0, negative ? 0 : 1, negative ? 0 : 1, negative ? 0 : 1, iou, iou === null ? null : (1 - iou) * 40,
              iou === null ? null : (1 - iou) * 8, 0, dets, null);
            rows++;
          }
          for (const [lighting, n] of counts) agg.run(runId, d.serial, scenarioId, lighting, n, n, 0, n, 0, 0, 'pass');
        }
      }
    })();
    if ((r + 1) % 50 === 0) log(`  generated ${r + 1}/${shape.runs} runs (${rows.toLocaleString('en')} frame rows, ${Math.round(rows / ((Date.now() - started) / 1000)).toLocaleString('en')} rows/s)`);
  }
  const insertSeconds = (Date.now() - started) / 1000;
  db.close();
  const s2 = Date.now();
  const st = await openStore(`sqlite:${partial}`);
  const ids = await st.db.all<{ id: string }>('SELECT id FROM runs ORDER BY started_at');
  for (const [i, { id }] of ids.entries()) {
    await summarizeRun(st, id);
    if ((i + 1) % 100 === 0) log(`  summarised ${i + 1}/${ids.length} runs`);
  }
  await st.close();
  const summarySeconds = (Date.now() - s2) / 1000;
  const fin = new Database(partial);
  fin.pragma('wal_checkpoint(TRUNCATE)');
  fin.close();
  renameSync(partial, path);
  for (const ext of ['-wal', '-shm']) rmSync(`${partial}${ext}`, { force: true });
  const { statSync } = await import('node:fs');
  return { rows, insertSeconds, summarySeconds, bytes: statSync(path).size };
}

export function benchStoreExists(path: string): boolean {
  return existsSync(path);
}
