/**
 * A second process on one SQLite store, for the contention tests (store-contention.spec.ts):
 *   hold PATH                     takes the write lock (BEGIN IMMEDIATE), says "locked", commits on a "release" line
 *   run URL RUN_ID ITEMS FRAMES   writes a local run the way `rio-farm run` does (plan, attempt, frames + done)
 *                                 after saying "ready"; ends with one JSON line {done, failed, busy_waits}
 */
import Database from 'better-sqlite3';
import { createInterface } from 'node:readline';
import { openStore } from './index.ts';
import type { MeasurementRow } from './rows.ts';

const [mode, ...args] = process.argv.slice(2);

if (mode === 'hold') {
  const conn = new Database(args[0]!);
  conn.exec('BEGIN IMMEDIATE');
  process.stdout.write('locked\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'release') break;
  }
  conn.exec('COMMIT');
  conn.close();
  process.stdout.write('released\n');
} else if (mode === 'run') {
  const [url, runId, items, frames] = [args[0]!, args[1]!, Number(args[2]), Number(args[3])];
  let busyWaits = 0;
  const store = await openStore(url, { onBusyWait: () => { busyWaits++; } });
  const T = Date.UTC(2026, 10, 1);
  await store.createRun({ id: runId, suite: 'smoke', status: 'running', exit_code: null, started_at: T, finished_at: null, host: 'local-host',
    out_dir: null, apk_sha256: null, app_version: null, model_sha256: null, options_json: '{}', virtual_only: 1 }, {});
  const plan = Array.from({ length: items }, (_, r) => ({ id: `${runId}/vdev/sc/${r}`, run_id: runId, slot_serial: 'vdev', scenario_id: 'sc',
    truth_sha256: 'c'.repeat(64), repeat_index: r, seq: r, status: 'pending' as const, done_attempt_id: null }));
  await store.planItems(plan);
  process.stdout.write('ready\n');
  let done = 0, failed = 0;
  for (const item of plan) {
    const attempt = `${item.id}/a1`;
    try {
      await store.startAttempt({ id: attempt, run_id: runId, item_id: item.id, attempt: 1, serial: 'vdev', scenario_id: 'sc' });
      const rows: MeasurementRow[] = Array.from({ length: frames }, (_, i) => ({
        attempt_id: attempt, run_id: runId, serial: 'vdev', scenario_id: 'sc', repeat_index: item.repeat_index, frame_index: i, lighting: 'plain',
        negative: 0, t_decode: 1, t_pre: 1, t_infer: 8, t_post: 1, t_total: 11, dropped: 0, thermal_flag: 0, detections: 1, matched: 1, cards: 1,
        iou: 0.9, corner_err_px: 2, corner_err_pct: 0.4, false_detections: 0, detections_json: '[]', error: null,
      }));
      await store.completeAttempt(attempt, item.id, { wall_ms: 100 }, rows);
      done++;
    } catch (err) {
      failed++;
      process.stderr.write(`item ${item.id}: ${(err as Error).message}\n`);
    }
  }
  await store.close();
  process.stdout.write(JSON.stringify({ done, failed, busy_waits: busyWaits }) + '\n');
} else {
  process.stderr.write('usage: testing-store-writer.ts hold PATH | run URL RUN_ID ITEMS FRAMES\n');
  process.exit(3);
}
