/**
 * The ingest fuzzer: a thousand hostile variations of a real run export (run-mutations.ts) against
 * the real server and store. Zero 5xx, zero rows stored from a refused upload, every page still 200.
 * Deterministic: RIO_FUZZ_SEED picks another sequence (the seed is printed with the counts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import type { RunExport } from '../../harness/src/store/run-export.ts';
import { seededRandom } from '../../harness/src/stats/bootstrap.ts';
import { buildServer, type App } from './app.ts';
import { exportedRuns, tableCounts } from './testing/ingest-fixture.ts';
import { mutate, renamed, type Foreign } from './testing/run-mutations.ts';

const TOKEN = 'fuzz-token';
const MUTATIONS = 1000;
const SEED = Number(process.env.RIO_FUZZ_SEED ?? 20261207);

for (const kind of storeKinds()) {
  describe(`ingest fuzzer on ${kind.name}`, () => {
    let source: TestStore, target: TestStore, app: App, dir: string;
    let base: RunExport;
    let foreign: Foreign;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-fuzz-'));
      source = await kind.open();
      target = await kind.open();
      const [first, second] = await exportedRuns(source.store, 2);
      base = first!;
      app = await buildServer({ store: target.store, ingestToken: TOKEN, ingestLimitBytes: 8 * 1024 * 1024, scenarioCacheDir: dir, reportsDir: join(dir, 'reports'), logger: false });
      // Foreign ids to aim at: a run uploaded by another host, and a run recorded locally in the target store.
      const otherHost = renamed(second!, 'uploaded-by-farm-host-9');
      otherHost.run.host = 'farm-host-9';
      assert.equal((await post(JSON.stringify(otherHost))).statusCode, 201);
      await app.backgroundWork(); // it is finished (aggregates, status, summaries) after the answer, before the first snapshot
      await target.store.createRun({ ...second!.run, id: 'recorded-locally' }, {});
      foreign = {
        runIds: ['uploaded-by-farm-host-9', 'recorded-locally'],
        attemptIds: otherHost.attempts.map((a) => a.id), itemIds: otherHost.work_items.map((w) => w.id),
      };
    });
    after(async () => {
      await app?.close();
      await source?.drop(); await target?.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    const post = (body: string) => app.inject({
      method: 'POST', url: '/api/runs', payload: body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });

    test(`${MUTATIONS} mutations of a real run export: no 5xx, nothing stored from a refused one, every page 200`, async () => {
      const rand = seededRandom(SEED);
      let n = 0;
      const fresh = () => `fuzz-run-${++n}`;
      const tally = { refused: 0, accepted: 0, server: 0 };
      const byKind = new Map<string, number[]>();
      for (let i = 0; i < MUTATIONS; i++) {
        const m = mutate(base, rand, foreign, fresh);
        const before = await tableCounts(target.store.db);
        const r = await post(m.body);
        const k = byKind.get(m.kind) ?? byKind.set(m.kind, [0, 0]).get(m.kind)!;
        if (r.statusCode >= 500) {
          tally.server++;
          assert.fail(`mutation ${i} (${m.kind}, seed ${SEED}) answered ${r.statusCode}: ${r.body.slice(0, 300)}\nbody: ${m.body.slice(0, 300)}`);
        } else if (r.statusCode >= 400) {
          tally.refused++; k[0]!++;
          assert.deepEqual(await tableCounts(target.store.db), before, `mutation ${i} (${m.kind}) was refused (${r.statusCode}) but changed rows`);
          assert.ok(r.json().error, 'a refusal names its catalogue code');
        } else {
          tally.accepted++; k[1]!++;
          await app.backgroundWork(); // it is finished (aggregates, status, summaries) after the answer, before the next snapshot
        }
      }
      console.log(`ingest fuzz: ${MUTATIONS} mutations, ${tally.refused} refused (4xx), ${tally.accepted} accepted, 5xx = ${tally.server} (${kind.name}, seed ${SEED}; ` +
        `${[...byKind].map(([kd, [rf, ac]]) => `${kd} ${rf}/${ac}`).join(', ')})`);
      assert.ok(tally.accepted > 50 && tally.refused > 500, 'the battery exercises both the refusals and the writes');

      const runs = await target.store.db.all<{ id: string }>('SELECT id FROM runs ORDER BY id');
      const devices = await target.store.db.all<{ serial: string }>('SELECT serial FROM devices ORDER BY serial');
      const urls = ['/', '/runs', '/devices', '/compare', '/api/home', '/api/runs', '/api/devices',
        ...runs.flatMap((r) => [`/runs/${encodeURIComponent(r.id)}`, `/runs/${encodeURIComponent(r.id)}/frames`]),
        ...devices.map((d) => `/devices/${encodeURIComponent(d.serial)}`),
        `/compare?a=${encodeURIComponent(runs[0]!.id)}&b=${encodeURIComponent(runs.at(-1)!.id)}`];
      // The worst-frame images of a few accepted runs: drawn from stored truth and detections.
      for (const r of runs.filter((x) => x.id.startsWith('fuzz-run-')).slice(0, 5)) {
        const detail = (await app.inject({ url: `/api/runs/${encodeURIComponent(r.id)}` })).json() as { summaries: { worst: { attempt_id: string; frame_index: number }[] }[] };
        const worst = detail.summaries.flatMap((s) => s.worst).slice(0, 2);
        urls.push(...worst.map((w) => `/api/frame-image?attempt=${encodeURIComponent(w.attempt_id)}&frame=${w.frame_index}`));
      }
      for (const url of urls) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 200, `${url} after the battery: ${r.body.slice(0, 300)}`);
      }
    });
  });
}
