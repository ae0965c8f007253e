/** POST /api/runs takes only what the schema names, and nothing it stores can break a page. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import { validateRunExport, type RunExport } from '../../harness/src/store/run-export.ts';
import type { RioError } from '../../harness/src/errors.ts';
import { computeAggregates } from '../../harness/src/metrics/aggregate.ts';
import { DEFAULT_BARS } from '../../harness/src/metrics/quality-bars.ts';
import { buildServer, type App } from './app.ts';
import { encodeCompareSummary } from '../../harness/src/compare/compare-summary.ts';
import { loadRunSide } from '../../harness/src/compare/run-source.ts';
import { exportedRuns, tableCounts } from './testing/ingest-fixture.ts';
import { renamed } from './testing/run-mutations.ts';

const TOKEN = 'ingest-token';
const copy = (e: RunExport): RunExport => structuredClone(e);

for (const kind of storeKinds()) {
  describe(`ingest on ${kind.name}`, () => {
    let source: TestStore, target: TestStore, app: App, dir: string;
    let runs: RunExport[];
    const post = (body: string | object) => app.inject({
      method: 'POST', url: '/api/runs', payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    /** Posts, expects the refusal, and proves that no table gained or lost a row. */
    const refused = async (body: string | object, status: number, field?: string) => {
      await app.backgroundWork(); // an earlier upload is finished (aggregates, status, summaries) after its answer
      const before = await tableCounts(target.store.db);
      const r = await post(body);
      assert.equal(r.statusCode, status, r.body);
      if (field !== undefined) assert.equal(r.json().where?.field, field, r.body);
      assert.deepEqual(await tableCounts(target.store.db), before, 'a refused upload stores nothing');
      return r.json();
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-ingest-'));
      source = await kind.open();
      target = await kind.open();
      runs = await exportedRuns(source.store, 3);
      app = await buildServer({ store: target.store, ingestToken: TOKEN, scenarioCacheDir: dir, reportsDir: join(dir, 'reports'), logger: false });
    });
    after(async () => {
      await app.close();
      await source.drop(); await target.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('ingest and a run.json read by the CLI refuse the same bad field with the same name', async () => {
      const mutations: ((e: RunExport) => void)[] = [
        (e) => { (e.run as Record<string, unknown>)['evil"col'] = 1; },
        (e) => { (e.measurements[1] as Record<string, unknown>).iou = 2; },
        (e) => { delete (e.attempts[0] as Partial<RunExport['attempts'][0]>).serial; },
        (e) => { (e.devices[0] as Record<string, unknown>).sdk = 'x'; },
      ];
      for (const mutate of mutations) {
        const bad = copy(runs[0]!);
        mutate(bad);
        const cli = (() => { try { validateRunExport(bad, 'body'); return null; } catch (err) { return (err as RioError).where?.field; } })();
        assert.ok(cli, 'the CLI refuses it');
        await refused(bad, 400, String(cli));
      }
    });

    test('an unknown key is a 400 naming it, wherever it is, and no SQL is built from it', async () => {
      const root = { ...copy(runs[0]!), extra: 1 };
      assert.match((await refused(root, 400, 'body/extra')).message, /additional properties/);
      const inRun = copy(runs[0]!);
      (inRun.run as Record<string, unknown>)['evil"col'] = 1;
      await refused(inRun, 400, 'body/run/evil"col');
      const inFrame = copy(runs[0]!);
      (inFrame.measurements[2] as Record<string, unknown>)['iou) VALUES (1); DROP TABLE runs; --'] = 0.5;
      await refused(inFrame, 400, 'body/measurements/2/iou) VALUES (1); DROP TABLE runs; --');
      const inLabels = copy(runs[0]!);
      inLabels.labels['bad key"'] = 'x';
      await refused(inLabels, 400);
    });

    test('every number is bounded by what it can mean; non-finite numbers are refused', async () => {
      const cases: [(e: RunExport) => void, string][] = [
        [(e) => { e.run.started_at = 9e15; }, 'body/run/started_at'],
        [(e) => { e.run.started_at = 1; }, 'body/run/started_at'],
        [(e) => { e.measurements[0]!.t_total = -1; }, 'body/measurements/0/t_total'],
        [(e) => { e.measurements[0]!.t_infer = 3_600_000; }, 'body/measurements/0/t_infer'],
        [(e) => { e.measurements[1]!.iou = 1.5; }, 'body/measurements/1/iou'],
        [(e) => { e.measurements[1]!.cards = -1; }, 'body/measurements/1/cards'],
        [(e) => { e.scenario_frames[0]!.width = 16_385; }, 'body/scenario_frames/0/width'],
        [(e) => { e.run.exit_code = 1.5; }, 'body/run/exit_code'],
        [(e) => { e.attempts[0]!.battery_temp_end = 1e9; }, 'body/attempts/0/battery_temp_end'],
      ];
      for (const [mutate, field] of cases) {
        const e = copy(runs[0]!);
        mutate(e);
        await refused(e, 400, field);
      }
      // JSON has no Infinity, but 1e999 parses to it.
      const text = JSON.stringify(runs[0]).replace(/"t_total":[0-9.]+/, '"t_total":1e999');
      await refused(text, 400, 'body/measurements/0/t_total');
      await refused(JSON.stringify(runs[0]).replace(/"t_total":[0-9.]+/, '"t_total":NaN'), 400);
    });

    test('an upload keeps each frame\'s quarter-turn time and shows it on the frames page; a lying one is refused naming it, as t_infer_cpu is', async () => {
      const e = renamed(runs[2]!, 'turn-upload');
      e.measurements.forEach((m, i) => { m.t_turn = m.t_total === null || i % 4 === 3 ? null : 1.5 + i / 8; });
      const WIRE = 424_242.5; // a value no frame has, swapped for what JSON.stringify cannot write
      for (const field of ['t_infer_cpu', 't_turn'] as const) {
        const path = `body/measurements/1/${field}`;
        for (const lie of [-1, 3_600_000, Number.POSITIVE_INFINITY, Number.NaN]) {
          const bad = copy(e);
          bad.measurements[1]![field] = lie;
          const cli = (() => { try { validateRunExport(bad, 'body'); return null; } catch (err) { return (err as RioError).where?.field; } })();
          assert.equal(cli, path, `${field} = ${lie}: a run.json read by the CLI is refused naming it`);
          // JSON has no Infinity (1e999 parses to it) and no NaN at all
          bad.measurements[1]![field] = Number.isFinite(lie) ? lie : WIRE;
          const text = JSON.stringify(bad).replace(`"${field}":${WIRE}`, `"${field}":${Number.isNaN(lie) ? 'NaN' : '1e999'}`);
          const answer = await refused(text, 400, Number.isNaN(lie) ? 'body' : path);
          if (Number.isNaN(lie)) assert.match(answer.message, /body is not JSON: Unexpected token 'N'/);
        }
      }
      const r = await post(e);
      assert.equal(r.statusCode, 201, r.body);
      await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
      const key = (m: { attempt_id: string; frame_index: number }) => `${m.attempt_id}#${m.frame_index}`;
      const sent = new Map(e.measurements.map((m) => [key(m), m.t_turn]));
      const stored = await target.store.measurements(e.run.id);
      assert.equal(stored.length, e.measurements.length);
      for (const m of stored) assert.equal(m.t_turn, sent.get(key(m)), `${key(m)} t_turn`);
      assert.ok(stored.some((m) => m.t_turn === null) && stored.some((m) => typeof m.t_turn === 'number'), 'both kinds of frame were sent');
      const shown = stored.find((m) => typeof m.t_turn === 'number')!;
      const page = (await app.inject({ url: `/runs/${e.run.id}/frames?device=${encodeURIComponent(shown.serial)}&scenario=${shown.scenario_id}&limit=500` })).body;
      assert.match(page, /<th>t_infer ms<\/th><th>t_turn ms<\/th>/, 'the frames page has the turn stage column');
      assert.ok(page.includes(`<td class="n">${shown.t_turn!.toFixed(1)}</td>`), 'and the frame\'s turn time in it');
    });

    test('a duplicate key is refused with 400 naming its path; so is nesting no export has', async () => {
      const dup = JSON.stringify(runs[0]).replace('"suite":', '"suite":"other","suite":');
      assert.match((await refused(dup, 400, 'body/run/suite')).message, /duplicate key "suite"/);
      const escaped = JSON.stringify(runs[0]).replace('"host":', '"host":"x","\\u0068ost":');
      await refused(escaped, 400, 'body/run/host');
      await refused(`{"schema":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400, 'body/schema/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0');
    });

    test('ids are the ones the harness derives: an upload cannot seed another run\'s item, attempt, fingerprint or scenario truth', async () => {
      const other = runs[1]!.run.id;
      const cases: [(e: RunExport) => void, string][] = [
        [(e) => { e.work_items[0]!.id = e.work_items[0]!.id.replace(e.run.id, other); }, 'body/work_items/0/id'],
        [(e) => { e.attempts[0]!.id = `${runs[1]!.attempts[0]!.id}`; }, 'body/attempts/0/id'],
        [(e) => { e.measurements[3]!.attempt_id = runs[1]!.attempts[0]!.id; }, 'body/measurements/3/attempt_id'],
        [(e) => { e.measurements[3]!.run_id = other; }, 'body/measurements/3/run_id'],
        [(e) => { e.devices[0]!.fingerprint_id = 'f'.repeat(32); }, 'body/devices/0/fingerprint_id'],
        [(e) => { e.scenario_frames[0]!.cards_json = '[{"quad":[[0,0]]}]'; }, 'body/scenario_frames/0/cards_json'],
        // other quads under the truth id a later local run of this scenario uses
        [(e) => { e.scenario_frames[0]!.cards_json = '[{"quad":[[1,1],[9,1],[9,9],[1,9]]}]'; }, 'body/scenario_frames/0/truth_sha256'],
        [(e) => { e.scenarios[0]!.truth_sha256 = 'e'.repeat(64); }, 'body/scenarios/0/truth_sha256'],
      ];
      for (const [mutate, field] of cases) {
        const e = copy(runs[0]!);
        mutate(e);
        await refused(e, 400, field);
      }
    });

    test('an upload cannot change a run recorded locally or uploaded by another host: 409', async () => {
      const local = renamed(runs[2]!, 'local-run-1');
      await target.store.createRun(local.run, {});
      assert.equal((await refused(local, 409, 'body/run/id')).error, 'CONFLICT');
      assert.equal((await post(runs[1]!)).statusCode, 201);
      await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
      const otherHost = copy(runs[1]!);
      otherHost.run.host = 'farm-host-2';
      otherHost.run.status = 'aborted';
      await refused(otherHost, 409, 'body/run/host');
      assert.equal((await target.store.getRun(runs[1]!.run.id))!.status, runs[1]!.run.status);
      assert.equal((await post(runs[1]!)).statusCode, 200, 'the host that sent it may send it again');
    });

    test('the stored summary is computed from the stored frames, never taken from the upload', async () => {
      const lying = copy(runs[0]!);
      for (const a of lying.aggregates) { a.verdict = 'pass'; a.p50 = 1; a.iou_median = 1; }
      const r = await post(lying);
      assert.equal(r.statusCode, 201, r.body);
      await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
      const stored = await target.store.measurements(lying.run.id);
      assert.equal(r.json().measurements, stored.length);
      const aggs = await target.store.aggregates(lying.run.id);
      assert.deepEqual(aggs, computeAggregates(stored, { bars: DEFAULT_BARS, replayFps: new Map(lying.scenarios.map((s) => [s.id, s.fps ?? 0])) }));
      assert.ok(aggs.every((a) => a.p50 !== 1));
      const detail = (await app.inject({ url: `/api/runs/${lying.run.id}` })).json();
      assert.equal(detail.summaries.length, 3 * 4, 'three devices × (three lightings + all)');
      // Made from the frames the import read back once: the very summary compare would make from the store.
      const summary = await target.store.compareSummary(lying.run.id);
      assert.ok(summary?.cells_json, 'the run has a compare summary with its cells');
      assert.deepEqual(summary, await encodeCompareSummary(await loadRunSide(target.store, lying.run.id)));
    });

    test('a stored date no page can show is shown as "invalid date": every page answers 200', async () => {
      const bad = { ...runs[2]!.run, id: 'bad-date-run', started_at: 9e15, finished_at: 9e15 + 1 };
      await target.store.createRun(bad, {});
      await target.store.recordDevice({ serial: 'BADDATE1', manufacturer: 'x', model: 'y', soc: 's', abi: 'a', sdk: 34, build_fingerprint: 'b', virtual: false }, 9e15);
      for (const url of ['/', '/runs', '/runs/bad-date-run', '/devices', '/devices/BADDATE1', '/compare?a=bad-date-run&b=bad-date-run', `/compare?a=bad-date-run&b=${runs[0]!.run.id}`]) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
      }
      assert.match((await app.inject({ url: '/runs' })).body, /invalid date/);
    });
  });
}

for (const kind of storeKinds()) {
  test(`query values no column can be compared with are 400s, not 500s (${kind.name})`, async () => {
    const ts = await kind.open();
    const dir = mkdtempSync(join(tmpdir(), 'rio-query-'));
    const app = await buildServer({ store: ts.store, scenarioCacheDir: dir, reportsDir: dir, logger: false });
    try {
      for (const url of [`/api/runs?from=${'9'.repeat(30)}`, `/runs?to=${'9'.repeat(30)}`, '/runs/x/frames?offset=100000000000000000000',
        '/api/runs/x/frames?min_latency=1e300', '/api/frame-image?attempt=a&frame=1e20']) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 400, `${url}: ${r.body.slice(0, 200)}`);
      }
    } finally { await app.close(); await ts.drop(); rmSync(dir, { recursive: true, force: true }); }
  });
}
