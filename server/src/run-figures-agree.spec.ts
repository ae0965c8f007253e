/**
 * One run, five places that print its figures: report.html, run.json, `/api/runs/ID`, the run page
 * and `rio-farm compare` (its own side). They must print the same p50/p90/IoU/detection and CIs, with
 * and without `--include-thermal`, on a run with thermal-flagged, dropped, errored and negative frames.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import { writeReports } from '../../harness/src/report/write-reports.ts';
import type { AggregateRow } from '../../harness/src/store/rows.ts';
import { buildServer, type App } from './app.ts';
import { summarizeRun } from './queries/run-summary.ts';
import { smallFarm, writeSyntheticRuns } from './testing/synthetic-runs.ts';

const CLI = join(import.meta.dirname, '..', '..', 'harness', 'bin', 'rio-farm.mjs');
const SCENARIO = 'desk-mixed';

/** A run of one scenario, so run.json's per-scenario cells hold exactly the frames of the pooled device × lighting cells. */
const farm = (suite: string, includeThermal: boolean) => smallFarm({
  suite, runs: 1, seed: 16, hotRuns: [0], dropEvery: 9, errorEvery: 11,
  scenarios: [{ id: SCENARIO, lightings: ['plain', 'dim'], frames: 90, negativeEvery: 10 }],
  options: includeThermal ? { includeThermal: true } : {},
});

interface Summary {
  serial: string; lighting: string; frames: number; latency_n: number; thermal_excluded: number; iou_n: number;
  p50: number | null; p50_lo: number | null; p50_hi: number | null; p90: number | null; p90_lo: number | null; p90_hi: number | null;
  iou_mean: number | null; iou_lo: number | null; iou_hi: number | null; detection_rate: number | null;
}

/** The figures every output prints, in the dashboard's names. */
const figures = (s: Summary) => ({ frames: s.frames, latency_n: s.latency_n, thermal_excluded: s.thermal_excluded, iou_n: s.iou_n,
  p50: [s.p50, s.p50_lo, s.p50_hi], p90: [s.p90, s.p90_lo, s.p90_hi], iou: [s.iou_mean, s.iou_lo, s.iou_hi], detection: s.detection_rate });
const fromAggregate = (a: AggregateRow) => figures({ ...a, iou_n: a.card_frames, iou_lo: a.iou_mean_lo, iou_hi: a.iou_mean_hi });
const f = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));
const text = (cellHtml: string) => cellHtml.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').trim();

/** report.html's "Per device and lighting" rows as text cells, keyed by serial and lighting. */
function reportRows(html: string): Map<string, string[]> {
  const table = html.split('<h2>Per device and lighting</h2>')[1]!.split('</table>')[0]!;
  const rows = new Map<string, string[]>();
  for (const tr of table.split('<tr>').slice(2)) {
    const cells = [...tr.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => text(m[1]!));
    rows.set(`${cells[0]}|${cells[1]}`, cells);
  }
  return rows;
}

for (const kind of storeKinds()) {
  describe(`a run's figures on ${kind.name}`, () => {
    let ts: TestStore;
    let app: App;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-figures-'));
      ts = await kind.open();
      app = await buildServer({ store: ts.store, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false });
    });
    after(async () => {
      await app.close();
      await ts.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const runs: Record<string, Map<string, ReturnType<typeof figures>>> = {};
    for (const includeThermal of [false, true]) {
      test(`report, run.json, /api/runs/ID, the run page and compare agree ${includeThermal ? 'with' : 'without'} --include-thermal`, async () => {
        const [run] = await writeSyntheticRuns(ts.store, farm(includeThermal ? 'incl' : 'excl', includeThermal));
        const id = run!.id;
        await summarizeRun(ts.store, id); // what ingest and the server's refresher do for a finished run
        const files = await writeReports(ts.store, id, join(dir, 'reports', id));

        const json = JSON.parse(readFileSync(files.json, 'utf8')) as { measurements: { dropped: number; error: string | null; negative: number; thermal_flag: number; t_total: number | null }[]; aggregates: AggregateRow[] };
        const m = json.measurements;
        assert.ok(m.some((r) => r.dropped) && m.some((r) => r.error) && m.some((r) => r.negative) && m.some((r) => r.thermal_flag && r.t_total !== null),
          'the run has dropped, errored, negative and thermal-flagged frames');
        const fromJson = new Map(json.aggregates.filter((a) => a.scenario_id === SCENARIO).map((a) => [`${a.serial}|${a.lighting}`, a]));

        const detail = (await app.inject({ url: `/api/runs/${encodeURIComponent(id)}` })).json() as { summaries: Summary[] };
        assert.equal(detail.summaries.length, 3 * 3, 'three devices × (two lightings + all)');
        const page = (await app.inject({ url: `/runs/${encodeURIComponent(id)}` })).body;
        const pageData = JSON.parse(/<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(page)![1]!) as { summaries: Summary[] };
        const report = reportRows(readFileSync(files.html, 'utf8'));
        const compare = JSON.parse(execFileSync(process.execPath, [CLI, 'compare', id, id, '--db', ts.url, '--json'], { encoding: 'utf8' })) as
          { cells: { device: string; lighting: string; latency: { nA: number; a: number | null }; iou: { nA: number; a: number | null } }[] };

        const seen = new Map<string, ReturnType<typeof figures>>();
        for (const s of detail.summaries) {
          const key = `${s.serial}|${s.lighting}`;
          const want = figures(s);
          seen.set(key, want);
          assert.deepEqual(fromAggregate(fromJson.get(key)!), want, `run.json = /api/runs/ID for ${key}`);
          if (s.lighting === '*') assert.deepEqual(figures(pageData.summaries.find((p) => p.serial === s.serial)!), want, `run page data for ${key}`);
          assert.ok(page.includes(`${f(s.iou_mean, 3)}</a><div class="sub">${s.frames} fr · p50 ${f(s.p50, 1)} ms</div>`), `run page cell ${key}`);
          const r = report.get(key)!;
          assert.deepEqual([r[2], r[3], r[4], r[5], r[6], r[11], r[13]], [String(s.frames), String(s.latency_n), String(s.thermal_excluded),
            `${f(s.p50, 1)} [${f(s.p50_lo, 1)}, ${f(s.p50_hi, 1)}]`, f(s.p90, 1), `${f(s.iou_mean, 3)} [${f(s.iou_lo, 3)}, ${f(s.iou_hi, 3)}]`,
            f(s.detection_rate, 3)], `report.html row ${key}`);
          const c = compare.cells.find((x) => x.device === s.serial && x.lighting === s.lighting)!;
          assert.deepEqual([c.latency.nA, c.latency.a, c.iou.nA], [s.latency_n, s.p50, s.iou_n], `compare's side for ${key}`);
          assert.ok(Math.abs(c.iou.a! - s.iou_mean!) < 1e-12, `compare's mean IoU for ${key}`); // summed in another order
        }
        runs[includeThermal ? 'incl' : 'excl'] = seen;
      });
    }

    test('--include-thermal moves the latency figures of a hot run and leaves accuracy alone', () => {
      const excl = runs.excl!, incl = runs.incl!;
      let moved = 0;
      for (const [key, e] of excl) {
        const i = incl.get(key)!;
        assert.equal(i.thermal_excluded, 0);
        assert.equal(i.latency_n, e.latency_n + e.thermal_excluded, key);
        assert.deepEqual([i.iou, i.detection, i.iou_n], [e.iou, e.detection, e.iou_n], key);
        if (i.p50[0] !== e.p50[0]) moved++;
      }
      assert.ok([...excl.values()].every((e) => e.thermal_excluded > 0), 'every cell has thermal-flagged frames');
      assert.ok(moved > 0, 'some p50 moved');
    });
  });
}
