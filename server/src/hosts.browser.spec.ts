import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteTestStore } from '../../harness/src/store/test-stores.ts';
import { buildServer } from './app.ts';
import { DEFAULT_FARM_SETTINGS } from './farm-settings.ts';
import { launchChromium, watchedPage } from './testing/chromium.ts';

const HOSTILE_MODEL = '<img src=x onerror="document.title=\'pwned\'">';

test('/hosts in Chromium: hosts with their devices and heartbeats, running/queued/dead-lettered jobs, quarantines, attempts per device, filtered by host', async () => {
  const ts = await sqliteTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'rio-hosts-'));
  const { store } = ts;
  const farm = { ...DEFAULT_FARM_SETTINGS, maxInfraFailures: 2, quarantineAfter: 2 };
  const app = await buildServer({ store, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false, farm });
  const browser = await launchChromium();
  try {
    await store.issueHostToken('host-a', 'a'.repeat(64));
    await store.issueHostToken('host-b', 'b'.repeat(64));
    await store.recordHeartbeat('host-a', '10.0.0.2', [{ serial: 'p1', model: 'Pixel 7', virtual: 1 }, { serial: 'flaky', model: HOSTILE_MODEL, virtual: 0 }]);
    await store.recordHeartbeat('host-b', '10.0.0.3', [{ serial: 'p1', model: 'Pixel 7', virtual: 1 }, { serial: 'b1', model: 'Galaxy A54', virtual: 1 }]);
    const job = (id: string, target: string) => ({ id, suite: 'smoke', target_kind: 'serial' as const, target, repeat_count: 1, labels_json: '{}' });
    await store.submitJobs([job('j-run', 'p1'), job('j-dead', 'flaky'), job('j-wait', 'nobody'), job('j-b', 'b1')]);
    await store.claimJobs('host-a', [{ serial: 'p1', model: 'Pixel 7' }], farm.leaseMs);
    for (let i = 0; i < 2; i++) {
      const [c] = await store.claimJobs('host-a', [{ serial: 'flaky', model: 'x' }], farm.leaseMs);
      await store.finishJob('j-dead', c!.fence, 'host-a', 'infra_failure', `DEVICE_GONE: try ${i + 1}`, null, farm);
    }
    const [b] = await store.claimJobs('host-b', [{ serial: 'b1', model: 'Galaxy A54' }], farm.leaseMs);
    await store.finishJob('j-b', b!.fence, 'host-b', 'passed', null, 'r-b', farm);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    const { page, problems } = await watchedPage(browser.context);
    await page.goto(`${base}/hosts`);
    assert.deepEqual(await page.$$eval('tr.host', (rows) => rows.map((r) => [r.getAttribute('data-host'), r.querySelector('.state')!.textContent])),
      [['host-a', 'online'], ['host-b', 'online']]);
    const flaky = page.locator('tr.host[data-host="host-a"] tr.device[data-serial="flaky"]');
    assert.match(await flaky.locator('.device-state').innerText(), /quarantined .*2 infrastructure failures in a row; last: DEVICE_GONE: try 2/);
    assert.ok((await flaky.innerText()).includes(HOSTILE_MODEL), 'a device model is shown as text, never markup');
    assert.notEqual(await page.title(), 'pwned');
    assert.equal(await page.locator('img').count(), 0);
    assert.match(await page.locator('tr.host[data-host="host-a"] tr.device[data-serial="p1"]').innerText(), /running j-run.*also seen by host-b/s);
    assert.deepEqual(await page.$$eval('#running tr.job', (r) => r.map((x) => x.getAttribute('data-job'))), ['j-run']);
    assert.deepEqual(await page.$$eval('#queued tr.job', (r) => r.map((x) => x.getAttribute('data-job'))), ['j-wait']);
    assert.match(await page.locator('#dead tr.job[data-job="j-dead"]').innerText(), /dead · dead_letter.*2 infrastructure failures/s);
    assert.equal(await page.locator('#attempts tr.attempt[data-serial="flaky"]').count(), 2, 'attempt history per device');
    assert.equal(await page.locator('#quarantined li').count(), 1);

    // filter by host with the form, as a person would
    await page.selectOption('select[name="host"]', 'host-b');
    await Promise.all([page.waitForURL(/host=host-b/), page.click('form.filters button')]);
    assert.deepEqual(await page.$$eval('tr.host', (rows) => rows.map((r) => r.getAttribute('data-host'))), ['host-b']);
    assert.deepEqual(await page.$$eval('#done tr.job', (r) => r.map((x) => x.getAttribute('data-job'))), ['j-b']);
    assert.equal(await page.locator('#attempts tr.attempt').count(), 1);
    assert.equal(await page.locator('#running tr.job').count(), 0, 'host-a\'s running job is not host-b\'s');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await app.close();
    await ts.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
