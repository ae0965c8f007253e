import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import { exportRun } from '../../harness/src/store/run-export.ts';
import { quantileSorted } from '../../harness/src/stats/descriptive.ts';
import { accuracyOf, countsForLatency, DEFAULT_FRAME_RULE } from '../../harness/src/metrics/counted-frames.ts';
import { buildServer, type App } from './app.ts';
import { CompareCache } from './queries/run-compare.ts';
import { writeSyntheticRuns, type GeneratedRun } from './testing/synthetic-runs.ts';
import { serverTestFarm, SLOWED_SERIAL, UPDATED_SERIAL, VIRTUAL_SERIAL, XSS_MODEL } from './testing/test-farm-data.ts';

const TOKEN = 'test-token-1234';

for (const kind of storeKinds()) {
  describe(`server API on ${kind.name}`, () => {
    let ts: TestStore;
    let app: App;
    let runs: GeneratedRun[];
    let dir: string;
    const get = async (url: string) => {
      const r = await app.inject({ url });
      return { status: r.statusCode, body: String(r.headers['content-type']).startsWith('application/json') ? r.json() : r.body, headers: r.headers, raw: r.rawPayload };
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-server-'));
      ts = await kind.open();
      runs = await writeSyntheticRuns(ts.store, serverTestFarm(join(dir, 'reports')));
      app = await buildServer({ store: ts.store, ingestToken: TOKEN, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false });
    });
    after(async () => {
      await app.close();
      await ts.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('health names the store and counts its runs', async () => {
      const r = await get('/api/health');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { ok: true, store: kind.name, runs: 6 });
    });

    test('runs filter by suite, device, model hash, app version, label and date, newest first, paged', async () => {
      const all = (await get('/api/runs')).body;
      assert.equal(all.total, 6);
      assert.deepEqual(all.runs.map((r: { id: string }) => r.id), runs.map((r) => r.id).reverse());
      assert.equal((await get('/api/runs?suite=smoke')).body.total, 0);
      assert.equal((await get(`/api/runs?device=${encodeURIComponent(VIRTUAL_SERIAL)}`)).body.total, 6);
      assert.equal((await get('/api/runs?device=nope')).body.total, 0);
      assert.equal((await get('/api/runs?app_version=1.5.0')).body.total, 2);
      const rel = (await get('/api/runs?label=release=1.5')).body;
      assert.deepEqual(rel.runs.map((r: { id: string }) => r.id), [runs[5]!.id]);
      assert.equal((await get('/api/runs?label=branch')).body.total, 6);
      const model = all.runs[0].model_sha256.slice(0, 10);
      assert.equal((await get(`/api/runs?model=${model}`)).body.total, 3);
      const from = new Date(runs[2]!.startedAt).toISOString();
      const to = String(runs[4]!.startedAt);
      assert.deepEqual((await get(`/api/runs?from=${from}&to=${to}`)).body.runs.map((r: { id: string }) => r.id), [runs[3]!.id, runs[2]!.id]);
      const page = (await get('/api/runs?limit=2&offset=2')).body;
      assert.deepEqual(page.runs.map((r: { id: string }) => r.id), [runs[3]!.id, runs[2]!.id]);
      const bad = await get('/api/runs?from=yesterday-ish');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.where.field, 'querystring/from');
    });

    test('run detail summarises each device × lighting from the measured frames', async () => {
      const id = runs[5]!.id;
      const d = (await get(`/api/runs/${id}`)).body;
      assert.equal(d.run.id, id);
      assert.deepEqual(d.run.labels, { branch: 'main', release: '1.5' });
      assert.equal(d.devices.length, 3);
      assert.equal(d.summaries.length, 3 * 5, 'three devices × (four lightings + all)');
      // Independent recomputation from the raw rows.
      const rows = (await ts.store.measurements(id)).filter((m) => m.serial === SLOWED_SERIAL);
      const lat = rows.filter((m) => countsForLatency(m, DEFAULT_FRAME_RULE)).map((m) => m.t_total!).sort((a, b) => a - b);
      const all = d.summaries.find((s: { serial: string; lighting: string }) => s.serial === SLOWED_SERIAL && s.lighting === '*');
      assert.equal(all.frames, 80);
      assert.equal(all.latency_n, lat.length);
      assert.ok(Math.abs(all.p50 - quantileSorted(lat, 0.5)) < 1e-9);
      assert.ok(all.p50_lo <= all.p50 && all.p50 <= all.p50_hi);
      const ious = accuracyOf(rows).ious;
      assert.ok(Math.abs(all.iou_mean - ious.reduce((s, v) => s + v, 0) / ious.length) < 1e-9);
      assert.equal(all.worst.length, 4);
      assert.ok(all.worst[0].iou <= all.worst[3].iou);
      assert.equal(d.attempts.length, 6);
      assert.match(d.attempts[0].logcat_path, /logcat\.txt$/);
      const hot = (await get(`/api/runs/${runs[2]!.id}`)).body;
      assert.ok(hot.summaries.some((s: { thermal_excluded: number }) => s.thermal_excluded > 0), 'thermal-flagged frames are counted, not averaged in');
      assert.equal((await get('/api/runs/no-such-run')).status, 404);
    });

    test('frames are paged, filtered and sorted worst IoU first', async () => {
      const id = runs[5]!.id;
      const p1 = (await get(`/api/runs/${id}/frames?limit=50&sort=iou`)).body;
      assert.equal(p1.total, 240);
      assert.equal(p1.frames.length, 50);
      const ious = p1.frames.map((f: { iou: number }) => f.iou);
      assert.deepEqual(ious, [...ious].sort((a, b) => a - b));
      const p2 = (await get(`/api/runs/${id}/frames?limit=50&offset=50&sort=iou`)).body;
      assert.ok(p2.frames[0].iou >= ious[49]);
      // Paging through every frame visits each exactly once, ties (IoU 0, NULL) included.
      const seen = new Set<string>();
      for (let offset = 0; offset < 240; offset += 70) {
        for (const f of (await get(`/api/runs/${id}/frames?limit=70&offset=${offset}&sort=iou`)).body.frames) seen.add(`${f.attempt_id}#${f.frame_index}`);
      }
      assert.equal(seen.size, 240);
      const dim = (await get(`/api/runs/${id}/frames?device=${SLOWED_SERIAL}&lighting=dim&limit=500`)).body;
      assert.equal(dim.total, 20);
      assert.ok(dim.frames.every((f: { serial: string; lighting: string }) => f.serial === SLOWED_SERIAL && f.lighting === 'dim'));
      const slow = (await get(`/api/runs/${id}/frames?min_latency=20&max_latency=25&limit=500`)).body;
      assert.ok(slow.total > 0 && slow.frames.every((f: { t_total: number }) => f.t_total >= 20 && f.t_total < 25));
      const bad = await get(`/api/runs/${id}/frames?sort=random`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.where.field, 'querystring/sort');
    });

    test('devices carry their fingerprint history', async () => {
      const list = (await get('/api/devices')).body.devices;
      assert.equal(list.length, 3);
      const pixel = (await get(`/api/devices/${UPDATED_SERIAL}`)).body;
      assert.equal(pixel.fingerprints.length, 2);
      assert.match(pixel.build_fingerprint, /:15\//);
      assert.equal(list.find((d: { serial: string }) => d.serial === VIRTUAL_SERIAL).model, XSS_MODEL);
    });

    test('a series is one device and one kind over runs, with fingerprint changes marked', async () => {
      const s = (await get(`/api/series?device=${UPDATED_SERIAL}&metric=latency_p50`)).body;
      assert.equal(s.virtual, false);
      assert.equal(s.points.length, 6);
      assert.deepEqual(s.fingerprint_changes.map((c: { run_id: string }) => c.run_id), [runs[4]!.id]);
      assert.ok(s.points.every((p: { lo: number; value: number; hi: number }) => p.lo <= p.value && p.value <= p.hi));
      const crossKind = (await get(`/api/series?device=${UPDATED_SERIAL}&metric=latency_p50&kind=virtual`)).body;
      assert.equal(crossKind.points.length, 0, 'a real device has no virtual points');
      const v = (await get(`/api/series?device=${encodeURIComponent(VIRTUAL_SERIAL)}&metric=iou_mean&lighting=dim`)).body;
      assert.equal(v.virtual, true);
      assert.equal(v.points.length, 6);
      const slowed = (await get(`/api/series?device=${SLOWED_SERIAL}&metric=latency_p50`)).body.points.map((p: { value: number }) => p.value);
      assert.ok(slowed[5] > slowed[0] * 1.3, 'the generated regression shows in the series');
      assert.equal((await get(`/api/series?device=${SLOWED_SERIAL}&metric=bogus`)).body.where.field, 'querystring/metric');
    });

    test('compare finds the slowed device worse and leaves the others unflagged', async () => {
      const c = (await get(`/api/compare?a=${runs[0]!.id}&b=${runs[5]!.id}`)).body;
      const cell = (serial: string) => c.cells.find((x: { serial: string; lighting: string }) => x.serial === serial && x.lighting === '*');
      assert.equal(cell(SLOWED_SERIAL).latency_verdict, 'worse');
      assert.ok(cell(SLOWED_SERIAL).latency_delta_pct > 30);
      // The harness's comparison: b − a of the median with a bootstrap CI that excludes 0, and a rank-test p.
      const slowed = cell(SLOWED_SERIAL).latency;
      assert.equal(slowed.verdict, 'worse');
      assert.ok(slowed.lo > 0 && slowed.lo <= slowed.diff && slowed.diff <= slowed.hi && slowed.p < 0.001, JSON.stringify(slowed));
      assert.ok(Math.abs(slowed.b / slowed.a - 1 - cell(SLOWED_SERIAL).latency_delta_pct / 100) < 1e-9);
      assert.deepEqual(cell(SLOWED_SERIAL).serials, { a: [SLOWED_SERIAL], b: [SLOWED_SERIAL] });
      assert.equal(cell(VIRTUAL_SERIAL).virtual, true);
      assert.equal(cell(SLOWED_SERIAL).virtual, false);
      assert.equal(cell(SLOWED_SERIAL).iou_verdict, 'no significant change');
      // Unchanged devices: no large change (a one-sample interval test may still call a few % either way).
      assert.ok(Math.abs(cell(UPDATED_SERIAL).latency_delta_pct) < 10);
      assert.ok(Math.abs(cell(VIRTUAL_SERIAL).latency_delta_pct) < 10);
      assert.ok(c.cells.every((x: { lighting: string }) => x.lighting === '*' || ['dim', 'glare', 'plain', 'warm'].includes(x.lighting)));
      assert.equal((await get(`/api/compare?a=${runs[0]!.id}&b=nope`)).status, 404);
    });

    test('a comparison of finished runs is kept until one of them runs again', async () => {
      const cache = new CompareCache(ts.store);
      const [a, b] = [runs[0]!.id, runs[5]!.id];
      const verdict = async () => (await cache.compare(a, b)).cells.find((x) => x.serial === SLOWED_SERIAL && x.lighting === '*')!.latency_verdict;
      const flag = (v: number) => ts.store.db.run('UPDATE measurements SET thermal_flag = ? WHERE run_id = ? AND serial = ?', [v, b, SLOWED_SERIAL]);
      const before = (await ts.store.getRun(b))!;
      assert.equal(Number((await ts.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM measurements WHERE run_id = ? AND serial = ? AND thermal_flag <> 0', [b, SLOWED_SERIAL]))!.n), 0);
      assert.equal(await verdict(), 'worse');
      try {
        await flag(1); // every latency of b's slowed phone now thermally flagged: a fresh comparison has none
        assert.equal(await verdict(), 'worse', 'both runs finished: the kept comparison');
        await ts.store.updateRun(b, { status: 'running', finished_at: null }); // resumed
        assert.equal(await verdict(), 'insufficient data', 'a running run is compared afresh');
        await ts.store.updateRun(b, { status: before.status, finished_at: before.finished_at! + 1 }); // finished again
        assert.equal(await verdict(), 'insufficient data');
        await flag(0);
        assert.equal(await verdict(), 'insufficient data', 'kept again once finished');
      } finally {
        await flag(0);
        await ts.store.updateRun(b, { status: before.status, finished_at: before.finished_at });
      }
      assert.equal(await verdict(), 'worse');
      await assert.rejects(cache.compare(a, 'nope'), /no such run/);
    });

    test('home shows each device\'s latest nightly against the one before', async () => {
      const h = (await get('/api/home')).body;
      assert.equal(h.devices.length, 3);
      const slowed = h.devices.find((d: { serial: string }) => d.serial === SLOWED_SERIAL);
      assert.equal(slowed.run_id, runs[5]!.id);
      assert.equal(slowed.previous.run_id, runs[4]!.id);
      assert.deepEqual(slowed.by_lighting.map((l: { lighting: string }) => l.lighting), ['dim', 'glare', 'plain', 'warm']);
      assert.equal(h.devices.at(-1).virtual, true, 'real phones are listed before virtual devices');
    });

    test('evidence files are served from the run folder and nothing outside it', async () => {
      const id = runs[5]!.id;
      const detail = (await get(`/api/runs/${id}`)).body;
      const ok = await get(`/evidence/${id}/${detail.attempts[0].logcat_path}`);
      assert.equal(ok.status, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain/);
      assert.match(ok.body, /RIO_DONE/);
      symlinkSync('/etc/passwd', join(runs[5]!.outDir!, 'escape.txt'));
      for (const path of ['../../../../etc/passwd', '..%2F..%2F..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '..%5C..%5Cetc%5Cpasswd',
        'escape.txt', `..%2F${runs[4]!.id}%2F${detail.attempts[0].logcat_path.replace(/\//g, '%2F')}`, 'attempts%00.txt']) {
        const r = await get(`/evidence/${id}/${path}`);
        assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
        assert.doesNotMatch(String(r.body), /root:/);
      }
      // A run (an upload, say) whose out_dir points outside the reports folder gets no evidence served.
      for (const [outDir, path] of [['/etc', 'passwd'], ['/', 'etc/passwd'], [join(dir, 'reports', '..', '..', '..', 'etc'), 'passwd'], ['../../../../etc', 'passwd']] as const) {
        await ts.store.updateRun(runs[4]!.id, { out_dir: outDir });
        const r = await get(`/evidence/${runs[4]!.id}/${path}`);
        assert.equal(r.status, 404, outDir);
        assert.doesNotMatch(String(r.body), /root:/);
      }
      await ts.store.updateRun(runs[4]!.id, { out_dir: runs[4]!.outDir });
    });

    test('worst frames are drawn by sharp with the true quad in green over the frame', async () => {
      const id = runs[5]!.id;
      const worst = (await get(`/api/runs/${id}`)).body.summaries.find((s: { lighting: string }) => s.lighting === '*').worst[0];
      const frame = await ts.store.db.get<{ cards_json: string; sha256: string }>(
        `SELECT sf.cards_json, sf.sha256 FROM scenario_frames sf WHERE sf.scenario_id = ? AND sf.frame_index = ?`, [worst.scenario_id, worst.frame_index]);
      // Put the frame image where the scenario generator caches it: a solid blue frame.
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'cache', 'frames'), { recursive: true });
      await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#0000ff' } }).jpeg().toFile(join(dir, 'cache', 'frames', `${frame!.sha256}.jpg`));
      const r = await app.inject({ url: `/api/frame-image?attempt=${encodeURIComponent(worst.attempt_id)}&frame=${worst.frame_index}` });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'image/jpeg');
      const img = sharp(r.rawPayload);
      const meta = await img.metadata();
      assert.equal(meta.width, 640);
      const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
      const px = (x: number, y: number) => { const o = (Math.round(y) * info.width + Math.round(x)) * info.channels; return [data[o]!, data[o + 1]!, data[o + 2]!]; };
      const quad = JSON.parse(frame!.cards_json)[0].quad as [number, number][];
      const [x0, y0] = quad[0]!, [x1, y1] = quad[1]!;
      // Midpoint of the top edge at half scale: the greenest pixel within 2 px of it.
      const cx = (x0 + x1) / 4, cy = (y0 + y1) / 4;
      let best = [0, 0, 0];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) { const p = px(cx + dx, cy + dy); if (p[1]! - p[2]! > best[1]! - best[2]!) best = p; }
      const [r0, g0, b0] = best as [number, number, number];
      assert.ok(g0 > 120 && g0 > r0 + 50 && g0 > b0 + 20, `top edge is drawn green (got ${r0},${g0},${b0})`);
      const [r1, g1, b1] = px(5, 5);
      assert.ok(b1 > 150 && r1 < 80 && g1 < 80, `the frame itself shows through (got ${r1},${g1},${b1})`);
      assert.equal((await get('/api/frame-image?attempt=nope&frame=1')).status, 404);
    });

    test('pages escape device strings and carry a CSP without inline script', async () => {
      for (const url of ['/', '/devices', `/devices/${encodeURIComponent(VIRTUAL_SERIAL)}`, `/runs/${runs[5]!.id}`, `/runs/${runs[5]!.id}/frames`, `/compare?a=${runs[0]!.id}&b=${runs[5]!.id}`, '/runs']) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 200, url);
        assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
        assert.doesNotMatch(String(r.headers['content-security-policy']), /unsafe-inline/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.ok(!r.body.includes('<img src=x'), `${url}: raw model name in HTML`);
        assert.ok(!r.body.includes('<script>window.__xss'), `${url}: injected script tag`);
        for (const m of r.body.matchAll(/<script\b[^>]*>/g)) assert.match(m[0], /src="\/(vendor|static)\/|type="application\/json"/, `${url}: inline script ${m[0]}`);
      }
      const home = await app.inject({ url: '/devices' });
      assert.ok(home.body.includes('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;vdev&lt;/script&gt;'));
    });

    test('chart.js is served from node_modules and unknown routes answer from the catalogue', async () => {
      const js = await app.inject({ url: '/vendor/chart.umd.js' });
      assert.equal(js.statusCode, 200);
      assert.match(js.body.slice(0, 400), /Chart\.js v4/);
      const nf = await get('/api/nothing-here');
      assert.equal(nf.status, 404);
      assert.equal(nf.body.error, 'NOT_FOUND');
    });

    test('home leaves out a device that missed the latest night and lists it apart', async () => {
      const retired = { ...serverTestFarm('').devices[0]!, serial: 'RETIRED0001', model: 'Galaxy S10' };
      await writeSyntheticRuns(ts.store, { suite: 'nightly', runs: 1, seed: 99, devices: [retired], scenarios: [{ id: 'old-desk', lightings: ['plain'], frames: 10 }],
        startAt: runs[0]!.startedAt - 3 * 86_400_000 });
      await new Promise((r) => setTimeout(r, 2100)); // the refresher summarises runs written behind the server's back every 2 s
      const h = (await get('/api/home')).body;
      assert.deepEqual(h.devices.map((d: { serial: string }) => d.serial).sort(), [SLOWED_SERIAL, UPDATED_SERIAL, VIRTUAL_SERIAL].sort());
      assert.deepEqual(h.absent.map((d: { serial: string; model: string }) => [d.serial, d.model]), [['RETIRED0001', 'Galaxy S10']]);
      const page = await app.inject({ url: '/' });
      assert.match(page.body, /Not in the latest nightly[\s\S]*Galaxy S10/);
    });

    describe('ingest (POST /api/runs)', () => {
      let target: TestStore;
      let ingest: App;
      let payload: string;
      before(async () => {
        target = await kind.open();
        ingest = await buildServer({ store: target.store, ingestToken: TOKEN, ingestLimitBytes: 4 * 1024 * 1024, scenarioCacheDir: dir, reportsDir: join(dir, 'reports'), logger: false });
        payload = JSON.stringify(await exportRun(ts.store, runs[5]!.id));
      });
      after(async () => { await ingest.close(); await target.drop(); });
      const post = (body: string, auth?: string) => ingest.inject({
        method: 'POST', url: '/api/runs', payload: body,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      });

      test('refuses a missing or wrong token with 401 before reading the body', async () => {
        for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, TOKEN]) {
          const r = await post(payload, auth);
          assert.equal(r.statusCode, 401, String(auth));
          assert.equal(r.json().error, 'UNAUTHORIZED');
        }
        const off = await buildServer({ store: target.store, scenarioCacheDir: dir, reportsDir: join(dir, 'reports'), logger: false });
        const r = await off.inject({ method: 'POST', url: '/api/runs', payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.statusCode, 401, 'a server without a token accepts no uploads');
        await off.close();
      });

      test('refuses a body over the limit with 413', async () => {
        const big = JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) });
        const r = await post(big, `Bearer ${TOKEN}`);
        assert.equal(r.statusCode, 413);
        assert.equal(r.json().error, 'TOO_LARGE');
      });

      test('refuses a malformed run with 400 naming the field', async () => {
        const bad = JSON.parse(payload);
        bad.measurements[3].t_total = 'fast';
        const r = await post(JSON.stringify(bad), `Bearer ${TOKEN}`);
        assert.equal(r.statusCode, 400);
        assert.equal(r.json().error, 'BAD_ARGUMENT');
        assert.equal(r.json().where.field, 'body/measurements/3/t_total');
        const missing = JSON.parse(payload);
        delete missing.run.suite;
        const r2 = await post(JSON.stringify(missing), `Bearer ${TOKEN}`);
        assert.equal(r2.statusCode, 400);
        assert.equal(r2.json().where.field, 'body/run/suite');
        const r3 = await post('{"schema": "rio-run/1", ', `Bearer ${TOKEN}`);
        assert.equal(r3.statusCode, 400);
        assert.equal((await target.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs'))!.n, 0, 'nothing stored');
      });

      test('stores a valid run once: 201, then 200 with no duplicate rows', async () => {
        assert.equal((await ingest.inject({ url: '/api/home' })).json().devices.length, 0);
        const r = await post(payload, `Bearer ${TOKEN}`);
        assert.equal(r.statusCode, 201);
        assert.deepEqual(r.json(), { run_id: runs[5]!.id, created: true, measurements: 240 });
        const again = await post(payload, `Bearer ${TOKEN}`);
        assert.equal(again.statusCode, 200);
        assert.equal(again.json().created, false);
        await ingest.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
        const n = await target.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM measurements');
        assert.equal(Number(n!.n), 240);
        const detail = (await ingest.inject({ url: `/api/runs/${runs[5]!.id}` })).json();
        const original = (await app.inject({ url: `/api/runs/${runs[5]!.id}` })).json();
        assert.deepEqual(detail.summaries, original.summaries, 'the ingested run reads the same as on its own host');
        assert.equal((await ingest.inject({ url: '/api/home' })).json().devices.length, 3, 'home is not served stale after an upload');
      });
    });
  });
}
