/**
 * `npm run bench:ui`: what a UI spec costs on a vdevice.
 *  1. Per-command latency through a real Appium server and the rio driver (find, click, page
 *     source, screenshot; median and p95 over N calls) on the demo app's live preview.
 *  2. The whole UI suite's wall time (`wdio run wdio.conf.ts`) on 1 and on 3 vdevices.
 * Prints a table; no assertions (benchmarks never pass or fail on timings).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';
import { startAppium } from '../appium-driver/test/appium-server.ts';
import { quantileSorted } from '../src/stats/descriptive.ts';
import { prepareUiFarm } from '../../scenarios/ui/farm/prepare.ts';
import { MAIN_ACTIVITY } from '../../scenarios/ui/support/rio-app.ts';
import { resourceId } from '../../android-demo/contract/app-identity.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CALLS = Number(process.env.RIO_BENCH_CALLS ?? 30);
const SUITE_DEVICES = (process.env.RIO_BENCH_DEVICES ?? '1,3').split(',').map(Number);

async function timeCalls(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn(); // warm-up: first dump/screencap pays for lazy initialisation
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: quantileSorted(ms, 0.5), p95: quantileSorted(ms, 0.95) };
}

async function commandLatency(): Promise<Record<string, { median: number; p95: number }>> {
  const outDir = mkdtempSync(join(tmpdir(), 'rio-bench-ui-'));
  const farm = await prepareUiFarm({ outDir, target: 'vdevice', vdevices: 1, lightings: ['daylight'] });
  const appium = await startAppium({ ANDROID_ADB_SERVER_PORT: String(farm.adbPort) });
  try {
    const browser = await remote({ hostname: '127.0.0.1', port: appium.port, logLevel: 'error', capabilities: farm.capabilities[0]! });
    try {
      const scenario = farm.plan.scenarios[0]!;
      await browser.execute('mobile: startActivity', { intent: MAIN_ACTIVITY, stop: true, extras: [['s', 'manifest', scenario.manifestDevicePath]] });
      const preview = await browser.$(`id=${resourceId('preview')}`);
      await preview.waitForExist({ timeout: 10_000 });
      return {
        'find (id)': await timeCalls(() => browser.findElement('id', resourceId('capture'))),
        'click (input tap)': await timeCalls(() => preview.click()),
        'page source': await timeCalls(() => browser.getPageSource()),
        'screenshot (PNG)': await timeCalls(() => browser.takeScreenshot()),
      };
    } finally {
      await browser.deleteSession();
    }
  } finally {
    await appium.stop();
    await farm.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function suiteWallTime(devices: number): { ms: number; exit: number } {
  const outDir = mkdtempSync(join(tmpdir(), 'rio-bench-ui-suite-'));
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scenarios/ui/run-ui.ts')], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...process.env, RIO_UI_VDEVICES: String(devices), RIO_UI_OUT: outDir, RIO_FARM_DB: `sqlite:${join(outDir, 'bench.db')}` },
  });
  const ms = performance.now() - t;
  // a failed run's reason matters more than its time: show the failing lines
  if (r.status !== 0) console.error(`${devices} vdevice(s): exit ${r.status}\n${`${r.stdout}${r.stderr}`.split('\n').filter((l) => /✖|Error|failing/.test(l)).join('\n')}`);
  rmSync(outDir, { recursive: true, force: true });
  return { ms, exit: r.status ?? -1 };
}

const latency = await commandLatency();
console.log(`\nrio Appium driver, per command through Appium on 1 vdevice (${CALLS} calls each)\n`);
console.log('| command | median ms | p95 ms |\n|---|---:|---:|');
for (const [name, s] of Object.entries(latency)) console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} |`);

console.log('\nUI suite wall time (npm run test:ui → wdio.conf.ts: Appium start, vdevices, install, push, all specs)\n');
console.log('| vdevices | wall s | exit |\n|---:|---:|---:|');
for (const n of SUITE_DEVICES) {
  const { ms, exit } = suiteWallTime(n);
  console.log(`| ${n} | ${(ms / 1000).toFixed(1)} | ${exit} |`);
}
