/**
 * The alerts API and page on a store whose nightly history (recorded vdevice nights) has a −0.02
 * IoU build on its last two nights: listing, triage with the ingest token (401 without, 400 for a
 * key the schema does not name), and the /alerts page in Debian Chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import { candidateNights, pooledNights, readAaFixture } from '../../harness/src/nightly/aa-fixture.ts';
import { detectStoredNight } from '../../harness/src/nightly/stored-night.ts';
import { NIGHTS_BEFORE_STEP, storeIouStepHistory } from '../../harness/src/nightly/testing-nightly-store.ts';
import { buildServer, type App } from './app.ts';
import { launchChromium, watchedPage, type TestBrowser } from './testing/chromium.ts';

const TOKEN = 'alerts-test-token';
const nights = candidateNights(pooledNights(readAaFixture()));

async function alertServer(ts: TestStore, dir: string): Promise<{ app: App; ids: string[] }> {
  const ids = await storeIouStepHistory(ts.store, nights, (run) => detectStoredNight(ts.store, 'nightly', new Set([run])));
  const app = await buildServer({ store: ts.store, ingestToken: TOKEN, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false });
  return { app, ids };
}

for (const kind of storeKinds()) {
  describe(`alerts API on ${kind.name}`, () => {
    let ts: TestStore, app: App, dir: string, ids: string[];
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-alerts-'));
      ts = await kind.open();
      ({ app, ids } = await alertServer(ts, dir));
    });
    after(async () => { await app?.close(); await ts?.drop(); rmSync(dir, { recursive: true, force: true }); });

    const iouAlert = async () => {
      const r = await app.inject({ url: '/api/alerts?limit=500' });
      assert.equal(r.statusCode, 200);
      const alerts = (r.json().groups as { alerts: { id: string; scope: string; metric: string; change_run_id: string; status: string }[] }[]).flatMap((g) => g.alerts);
      return alerts.find((a) => a.scope === '*' && a.metric === 'iou_mean' && a.change_run_id === ids[NIGHTS_BEFORE_STEP])!;
    };

    test('lists alerts grouped per night × build, the IoU step among them', async () => {
      const a = await iouAlert();
      assert.ok(a, 'the device-wide IoU step is listed');
      assert.equal(a.status, 'untriaged');
      assert.equal((await app.inject({ url: '/api/alerts?status=bogus' })).statusCode, 400);
      assert.equal((await app.inject({ url: '/api/alerts?evil=1' })).statusCode, 400);
    });

    test('triage needs the ingest token and names only known keys', async () => {
      const a = await iouAlert();
      const url = `/api/alerts/${encodeURIComponent(a.id)}`;
      const body = { status: 'acknowledged', by: 'oncall', note: 'model v2 lost IoU on every lighting' };
      assert.equal((await app.inject({ method: 'PATCH', url, payload: body })).statusCode, 401);
      assert.equal((await app.inject({ method: 'PATCH', url, payload: body, headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
      const auth = { authorization: `Bearer ${TOKEN}` };
      const unknown = await app.inject({ method: 'PATCH', url, payload: { ...body, group_key: 'x' }, headers: auth });
      assert.equal(unknown.statusCode, 400);
      assert.equal((await app.inject({ method: 'PATCH', url, payload: { ...body, status: 'wontfix' }, headers: auth })).statusCode, 400);
      assert.equal((await app.inject({ method: 'PATCH', url: '/api/alerts/nope', payload: body, headers: auth })).statusCode, 404);
      const ok = await app.inject({ method: 'PATCH', url, payload: body, headers: auth });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual([ok.json().status, ok.json().triaged_by, ok.json().triage_note], ['acknowledged', 'oncall', body.note]);
      assert.equal((await iouAlert()).status, 'acknowledged');
    });
  });
}

describe('/alerts in Debian Chromium', () => {
  let ts: TestStore, app: App, dir: string, ids: string[], base: string, browser: TestBrowser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rio-alerts-page-'));
    ts = await storeKinds()[0]!.open();
    ({ app, ids } = await alertServer(ts, dir));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await app?.close(); await ts?.drop(); rmSync(dir, { recursive: true, force: true }); });

  test('shows the groups, draws each alert on its trend, and an alert leads to its two runs\' compare', async () => {
    const { page, problems } = await watchedPage(browser.context);
    await page.goto(`${base}/alerts?limit=500`, { waitUntil: 'load' });
    await page.waitForFunction(() => [...document.querySelectorAll('canvas')].every((c) => (window as any).Chart?.getChart(c)));
    const drawn = await page.evaluate(() => [...document.querySelectorAll('canvas')].map((c) => {
      const chart = (window as any).Chart.getChart(c);
      return chart.data.datasets.at(-1).data.length as number;
    }));
    assert.ok(drawn.length > 0 && drawn.every((n) => n === NIGHTS_BEFORE_STEP + 2), `every trend has every night: ${drawn}`);
    assert.ok((await page.locator('section.group').count()) >= 1);
    const row = page.locator('tr.alert', { hasText: 'all frames · iou_mean' }).first();
    await Promise.all([page.waitForURL(/\/compare\?/), row.locator('a.compare').click()]);
    const u = new URL(page.url());
    assert.deepEqual([u.searchParams.get('a'), u.searchParams.get('b')], [ids[NIGHTS_BEFORE_STEP - 1], ids[NIGHTS_BEFORE_STEP]]);
    await page.waitForSelector('#compare-table');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
