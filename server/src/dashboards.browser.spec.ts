import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sqliteTestStore, type TestStore } from '../../harness/src/store/test-stores.ts';
import { exportRun } from '../../harness/src/store/run-export.ts';
import { buildServer, type App } from './app.ts';
import { writeSyntheticRuns, type GeneratedRun } from './testing/synthetic-runs.ts';
import { serverTestFarm, SLOWED_SERIAL, VIRTUAL_SERIAL, XSS_MODEL } from './testing/test-farm-data.ts';
import { launchChromium, watchedPage, type TestBrowser } from './testing/chromium.ts';

const SCREENSHOTS = join(process.cwd(), 'reports', 'server');
const TOKEN = 'browser-test-token';

/** Waits for every canvas on the page to hold a chart and reports what each drew. */
async function chartsOf(page: Page): Promise<Record<string, { points: number[]; inked: number }>> {
  await page.waitForFunction(() => [...document.querySelectorAll('canvas')].every((c) => (window as any).Chart?.getChart(c)));
  return page.evaluate(() => {
    const out: Record<string, { points: number[]; inked: number }> = {};
    for (const c of document.querySelectorAll('canvas')) {
      const chart = (window as any).Chart.getChart(c);
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) inked++;
      out[c.id] = { points: chart.data.datasets.map((d: { data: unknown[] }) => d.data.length), inked };
    }
    return out;
  });
}

/** Clicks the drawn element of one chart point, where a person would. */
async function clickPoint(page: Page, canvasId: string, datasetIndex: number, index: number): Promise<void> {
  const at = await page.evaluate(([id, ds, i]) => {
    const canvas = document.getElementById(id as string)!;
    const el = (window as any).Chart.getChart(canvas).getDatasetMeta(ds).data[i];
    const r = canvas.getBoundingClientRect();
    // Bars: click half-way down the bar; points: on the point.
    const y = el.base !== undefined && el.height !== undefined ? (el.y + el.base) / 2 : el.y;
    return { x: r.left + el.x, y: r.top + y };
  }, [canvasId, datasetIndex, index] as const);
  await page.mouse.click(at.x, at.y);
}

describe('dashboards in Debian Chromium', () => {
  let ts: TestStore;
  let app: App;
  let base: string;
  let browser: TestBrowser;
  let runs: GeneratedRun[];
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rio-dash-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    ts = await sqliteTestStore();
    runs = await writeSyntheticRuns(ts.store, serverTestFarm(join(dir, 'reports')));
    app = await buildServer({ store: ts.store, ingestToken: TOKEN, ingestLimitBytes: 2 * 1024 * 1024, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await ts?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, shot: string) {
    const { page, problems } = await watchedPage(browser.context);
    await page.goto(base + path, { waitUntil: 'load' });
    const charts = await chartsOf(page);
    await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage: true });
    return { page, problems, charts };
  }

  async function assertClean(page: Page, problems: string[]) {
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    assert.equal(await page.evaluate(() => (window as any).__xss), undefined, 'injected script ran');
  }

  test('home: latency vs previous and IoU by lighting, a bar leads to that run', async () => {
    const { page, problems, charts } = await open('/', 'home');
    assert.deepEqual(charts['latency-chart']!.points, [3, 3]);
    assert.deepEqual(charts['iou-chart']!.points, [4, 4, 4]);
    assert.ok(charts['latency-chart']!.inked > 2000 && charts['iou-chart']!.inked > 2000, 'charts are drawn');
    assert.ok((await page.textContent('#home-table'))!.includes(XSS_MODEL), 'the hostile model name is shown as text');
    await assertClean(page, problems);
    // Device order: real phones by model (Pixel 7, SM-S911B), then the virtual one; dataset 1 = latest run.
    await clickPoint(page, 'latency-chart', 1, 1);
    await page.waitForURL(`${base}/runs/${runs[5]!.id}`);
    await page.close();
  });

  test('home: an IoU-by-lighting bar leads to those frames', async () => {
    const { page } = await open('/', 'home-iou');
    await clickPoint(page, 'iou-chart', 0, 0);
    await page.waitForURL(/\/runs\/[^/]+\/frames\?/);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('lighting'), 'dim');
    assert.ok(Number(await page.locator('#frames-table tbody tr').count()) > 0);
    await page.close();
  });

  test('device page: trends with CI bands, fingerprint change, a point leads to its run', async () => {
    const { page, problems, charts } = await open(`/devices/${SLOWED_SERIAL}`, 'device');
    // datasets: p50 CI low, p50 CI high, p50, p90 CI low, p90 CI high, p90
    assert.deepEqual(charts['latency-chart']!.points, [6, 6, 6, 6, 6, 6]);
    assert.deepEqual(charts['iou-chart']!.points, [6, 6, 6]);
    await assertClean(page, problems);
    await clickPoint(page, 'latency-chart', 2, 4);
    await page.waitForURL(`${base}/runs/${runs[4]!.id}`);
    await page.close();
    const pixel = await open('/devices/2A201FDH300ABC', 'device-fingerprint-change');
    const marks = await pixel.page.evaluate(() => (window as any).Chart.getChart(document.getElementById('latency-chart')).options.plugins.markerLines.marks);
    assert.deepEqual(marks, [{ index: 4, label: 'fingerprint changed' }]);
    await assertClean(pixel.page, pixel.problems);
    await pixel.page.close();
  });

  test('virtual device page shows its hostile model name as text and runs nothing', async () => {
    const { page, problems } = await open(`/devices/${encodeURIComponent(VIRTUAL_SERIAL)}`, 'device-virtual');
    assert.equal(await page.textContent('h1'), XSS_MODEL);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    await assertClean(page, problems);
    await page.close();
  });

  test('run page: heat map, latency distributions, worst frames; a histogram point leads to its frames', async () => {
    const { page, problems, charts } = await open(`/runs/${runs[5]!.id}`, 'run');
    assert.deepEqual(charts['latency-hist']!.points, [24, 24, 24]);
    assert.equal(await page.locator('#heatmap tbody tr').count(), 3);
    assert.equal(await page.locator('#heatmap td[class^="heat-"] a').count(), 15);
    const images = page.locator('#worst-frames img');
    assert.equal(await images.count(), 8);
    await page.waitForFunction(() => [...document.querySelectorAll('#worst-frames img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 640));
    assert.ok(await page.locator('#attempts a', { hasText: 'logcat' }).count() >= 6);
    await assertClean(page, problems);
    await clickPoint(page, 'latency-hist', 0, 3);
    await page.waitForURL(/\/frames\?/);
    const url = new URL(page.url());
    const lo = Number(url.searchParams.get('min_latency')), hi = Number(url.searchParams.get('max_latency'));
    const lat = await page.$$eval('#frames-table tbody tr td:nth-child(7)', (tds) => tds.map((t) => Number(t.textContent)));
    assert.ok(lat.length > 0 && lat.every((v) => v >= Math.floor(lo * 10) / 10 && v <= hi + 0.1), `${lat} within ${lo}-${hi}`);
    await page.close();
  });

  test('run page evidence: logcat opens as text', async () => {
    const { page, problems } = await watchedPage(browser.context);
    await page.goto(`${base}/runs/${runs[5]!.id}`);
    await Promise.all([page.waitForURL(/\/evidence\//), page.locator('#attempts a', { hasText: 'logcat' }).first().click()]);
    assert.match(await page.textContent('body') ?? '', /RIO_DONE run=/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('compare page: per-device change, a bar leads to the candidate run\'s frames', async () => {
    const { page, problems, charts } = await open(`/compare?a=${runs[0]!.id}&b=${runs[5]!.id}`, 'compare');
    assert.deepEqual(charts['compare-chart']!.points, [3]);
    assert.ok((await page.textContent('#compare-table'))!.includes('worse'));
    // The slowed phone's all-lightings row: its change with the bootstrap CI and the rank-test p.
    const slowed = (await page.locator('#compare-table tbody tr', { hasText: SLOWED_SERIAL }).first().textContent())!;
    assert.match(slowed, /all/);
    assert.match(slowed, /\+\d+\.\d \[\+\d+\.\d, \+\d+\.\d\] · p <0\.001/);
    assert.match(slowed, /worse/);
    await assertClean(page, problems);
    const labels = await page.evaluate(() => (window as any).Chart.getChart(document.getElementById('compare-chart')).data.labels as string[]);
    await clickPoint(page, 'compare-chart', 0, labels.findIndex((l) => l.includes(SLOWED_SERIAL)));
    await page.waitForURL(`${base}/runs/${runs[5]!.id}/frames?device=${SLOWED_SERIAL}&sort=latency`);
    await page.close();
  });

  test('runs and devices lists load clean', async () => {
    for (const [path, shot] of [['/runs', 'runs'], ['/devices', 'devices']] as const) {
      const { page, problems } = await watchedPage(browser.context);
      await page.goto(base + path);
      await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage: true });
      await assertClean(page, problems);
      await page.close();
    }
  });

  test('ingest over HTTP: 401 without token, 413 oversize, 400 naming the field, 201 when valid', async () => {
    const other = await sqliteTestStore();
    try {
      const payload = await exportRun(ts.store, runs[1]!.id);
      // A run from another farm host: its id is new to this server.
      const foreign = JSON.parse(JSON.stringify(payload).replaceAll(runs[1]!.id, 'host2-nightly-0001'));
      const post = (body: string, auth?: string) => fetch(`${base}/api/runs`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
      const noToken = await post(JSON.stringify(foreign));
      assert.equal(noToken.status, 401);
      const big = await post(JSON.stringify({ ...foreign, pad: 'x'.repeat(3 * 1024 * 1024) }), TOKEN);
      assert.equal(big.status, 413);
      const bad = structuredClone(foreign);
      bad.attempts[0].outcome = 'exploded';
      const r400 = await post(JSON.stringify(bad), TOKEN);
      assert.equal(r400.status, 400);
      assert.equal((await r400.json()).where.field, 'body/attempts/0/outcome');
      const ok = await post(JSON.stringify(foreign), TOKEN);
      assert.equal(ok.status, 201);
      await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
      const { page, problems } = await watchedPage(browser.context);
      await page.goto(`${base}/runs/host2-nightly-0001`);
      assert.equal(await page.locator('#heatmap tbody tr').count(), 3);
      await assertClean(page, problems);
      await page.close();
    } finally { await other.drop(); }
  });
});
