/**
 * A first comparison from the stored summaries (compare_summaries, written with the dashboard rows;
 * no frame row read) gives the very verdicts and digits of a comparison from the frames, on recorded real runs (A/A
 * nights of a vdevice, the twin's real inference) in a real store: same phone, a phone matched by
 * model (a vdevice's new serial), and a slower, less accurate build — with ten runs of history.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds, warnIfNoPostgres, type TestStore } from '../store/test-stores.ts';
import { readAaFixture } from '../nightly/aa-fixture.ts';
import { buildSha, nightAt, storeAaNight } from '../nightly/testing-nightly-store.ts';
import { runsNeedingSummary, summarizeRun } from '../../../server/src/queries/run-summary.ts';
import { CompareCache } from '../../../server/src/queries/run-compare.ts';
import { compareRuns, resampleKey, type RunSide } from './compare-runs.ts';
import { loadComparedSides, loadRunSide } from './run-source.ts';
import { sameBuildHistory } from './run-history.ts';
import { summaryOf } from './compare-summary.ts';
import type { Store } from '../store/index.ts';

const recorded = readAaFixture().nights.slice(1);
/** The same nights without thread CPU time: their latency cells are judged on wall time, from the stored resamples. */
const wallOnly = recorded.map((n) => ({ ...n, frames: { ...n.frames, t_infer_cpu: undefined } }));
warnIfNoPostgres();
/** A step beyond what the recorded nights spread between runs (wall time 149–464 ms, thread CPU 11.5–15.3 ms on a shared host). */
const SLOWER = { wall: 10, 'inference CPU': 1.5 } as const;

/** The comparison as it was before summaries: every side, history included, from its frames. */
async function fromFrames(store: Store, a: string, b: string) {
  const bare = async (id: string): Promise<RunSide> => ({ ...await loadRunSide(store, id), summary: undefined });
  const history = await Promise.all((await sameBuildHistory(store, a, b)).map((h) => bare(h.id)));
  return compareRuns(await bare(a), await bare(b), { history });
}

for (const kind of storeKinds()) for (const [series, nights] of [['wall', wallOnly], ['inference CPU', recorded]] as const) {
  describe(`compare from stored summaries on ${kind.name}, latency on ${series} time`, () => {
    let ts: TestStore;
    const ids: string[] = [];
    before(async () => {
      ts = await kind.open();
      // Thirteen same-build nights, then the next night on a new serial (matched by model), then a build clearly slower (SLOWER) with 0.03 less IoU.
      for (let i = 0; i < 15; i++) {
        const runId = `r-${String(i).padStart(2, '0')}`;
        const changed = i === 14;
        await storeAaNight(ts.store, nights[i]!, { runId, role: 'candidate', at: nightAt(i), build: buildSha(changed ? 'b' : 'a'),
          latencyFactor: changed ? SLOWER[series] : 1, iouShift: changed ? -0.03 : 0 }, i === 13 ? '127.0.0.1:5999' : undefined);
        await summarizeRun(ts.store, runId);
        ids.push(runId);
      }
    });
    after(async () => { await ts?.drop(); });

    for (const [name, b] of [['the same phone', 12], ['a vdevice matched by model', 13], ['a slower, less accurate build', 14]] as const) {
      test(`${name}: the same cells, verdicts and digits as from the frames, the CIs from stored resamples`, async () => {
        const a = ids[11]!, bId = ids[b]!;
        const expected = await fromFrames(ts.store, a, bId);
        const [sa, sb] = await loadComparedSides(ts.store, a, bId);
        assert.ok(sa.measurements.length === 0 && sb.measurements.length === 0, 'both sides are read from their stored cells, not their frames');
        const history = await sameBuildHistory(ts.store, a, bId);
        assert.equal(history.length, 10);
        assert.ok(history.every((h) => h.measurements.length === 0 && summaryOf(h)), 'history is read from summaries, not frames');
        const stored = compareRuns(sa, sb, { history });
        assert.deepStrictEqual(stored, expected);
        const judged = stored.filter((c) => c.latency.lo !== null);
        assert.ok(judged.length >= 3, `${judged.length} cells with a CI`);
        assert.ok(judged.every((c) => c.latency.measure === (series === 'wall' ? 'wall' : 'inference thread CPU')), 'the series the cell judges');
        for (const c of judged) {
          const lat = series === 'wall' ? 'lat' : 'cpu'; // a vdevice's latency cell on thread CPU time has its own stored resamples
          for (const [metric, side, serials] of [[lat, sa, c.serials.a], [lat, sb, c.serials.b], ['iou', sa, c.serials.a], ['iou', sb, c.serials.b]] as const) {
            assert.ok(summaryOf(side)!.resamples(resampleKey(metric, c.device, c.lighting, serials), side.rule), `${c.device} ${c.lighting} ${metric}: stored`);
          }
        }
        assert.ok(judged.every((c) => c.latency.noise === 'blocks + between-run history'));
        if (b === 14) {
          assert.equal(stored.find((c) => c.lighting === '*')!.latency.verdict, 'worse');
          assert.equal(stored.find((c) => c.lighting === '*')!.iou.verdict, 'worse');
        }
        // The dashboard's /api/compare reads the same way.
        const served = await new CompareCache(ts.store).compare(a, bId);
        assert.deepStrictEqual(served.cells.map(({ latency, iou }) => ({ latency, iou })), expected.map(({ latency, iou }) => ({ latency, iou })));
      });
    }

    test('a run summarised before its cells were stored (migration 115) is compared from its frames, with the same digits, and summarised again', async () => {
      const a = ids[11]!, bId = ids[12]!;
      const expected = await fromFrames(ts.store, a, bId);
      await ts.store.db.run('UPDATE compare_summaries SET cells_json = NULL WHERE run_id = ?', [bId]);
      try {
        const [sa, sb] = await loadComparedSides(ts.store, a, bId);
        assert.equal(sa.measurements.length, 0);
        assert.ok(sb.measurements.length > 0, 'B has no stored cells: its frames are read');
        assert.deepStrictEqual(compareRuns(sa, sb, { history: await sameBuildHistory(ts.store, a, bId) }), expected);
        assert.deepEqual(await runsNeedingSummary(ts.store.db), [bId]);
      } finally { await summarizeRun(ts.store, bId); }
      assert.deepEqual(await runsNeedingSummary(ts.store.db), []);
    });

    test('a side whose frames are not the summarised ones (filtered, shifted) is compared from its frames', async () => {
      const sa = await loadRunSide(ts.store, ids[11]!);
      const only = { ...sa, measurements: sa.measurements.filter((m) => m.scenario_id !== sa.measurements[0]!.scenario_id) };
      assert.equal(summaryOf(only), undefined);
      assert.ok(summaryOf(sa));
    });
  });
}
