/**
 * The UI suite as CI runs it: `wdio run wdio.conf.ts` in a child process against vdevices, with
 * the JUnit output, the exit code and the store checked afterwards. The app under test is the demo
 * APK built with the placeholder "bright blob" model (RIO_APK): it finds the white card of the
 * daylight scenario every time, so these tests check the harness, not the current model's quality
 * (`npm run test:ui` checks that).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../harness/src/store/index.ts';
import { startTestFarm } from '../../harness/test-support/farm.ts';
import { buildApk } from '../../android-demo/apk/build-apk.ts';
import { placeholderModel } from '../../android-demo/apk/placeholder-model.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WDIO = join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js');

interface WdioRun { code: number; output: string; outDir: string; db: string }

/** Runs the UI suite; resolves with its exit code and output. `whileRunning` is called every 50 ms. */
let apk = '';

function runWdio(env: NodeJS.ProcessEnv, tmp: string, whileRunning?: () => void): Promise<WdioRun> {
  const outDir = join(tmp, 'reports');
  const db = join(tmp, 'ui.db');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WDIO, 'run', 'wdio.conf.ts'], {
      cwd: ROOT, env: { ...process.env, RIO_UI_OUT: outDir, RIO_FARM_DB: `sqlite:${db}`, RIO_UI_LIGHTINGS: 'daylight', RIO_APK: apk, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (d: Buffer) => { output += d; };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const poll = whileRunning ? setInterval(whileRunning, 50) : undefined;
    child.on('exit', (code) => { clearInterval(poll); resolve({ code: code ?? -1, output, outDir, db }); });
  });
}

function junitOf(run: WdioRun): string {
  const files = readdirSync(run.outDir).filter((f) => /^junit-.*\.xml$/.test(f));
  assert.equal(files.length, 1, `one JUnit file per device, got ${files.join(', ')}`);
  return readFileSync(join(run.outDir, files[0]!), 'utf8');
}

describe('UI suite (wdio + Appium + rio driver) on vdevices', { timeout: 300_000 }, () => {
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rio-ui-run-'));
    apk = join(tmp, 'rio-demo-placeholder.apk');
    await buildApk(placeholderModel(), apk);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('passes the capture flow, writes JUnit with a screenshot, stores the run labelled ui', async () => {
    const run = await runWdio({ RIO_UI_VDEVICES: '1' }, join(tmp, 'pass'));
    assert.equal(run.code, 0, run.output);
    const junit = junitOf(run);
    assert.match(junit, /<testcase [^>]*name="launch shows an outline within 2 s/);
    assert.doesNotMatch(junit, /<failure/);
    const shot = /\[\[ATTACHMENT\|([^\]]+\.png)\]\]/.exec(junit)?.[1];
    assert.ok(shot && existsSync(shot), `the JUnit output names an existing screenshot (${shot})`);
    assert.equal(readFileSync(shot).subarray(1, 4).toString(), 'PNG');

    const store = await openStore(`sqlite:${run.db}`);
    try {
      const [r] = await store.listRuns();
      assert.equal(r?.suite, 'ui');
      assert.equal(r?.status, 'passed');
      assert.deepEqual(await store.runLabels(r!.id), { kind: 'ui', target: 'vdevice' });
      const ui = await store.db.all<{ lighting: string; time_to_outline_ms: number; capture_to_crop_ms: number; crop_iou: number }>(
        'SELECT * FROM ui_measurements WHERE run_id = ?', [r!.id]);
      assert.equal(ui.length, 1);
      assert.equal(ui[0]!.lighting, 'daylight');
      assert.ok(ui[0]!.time_to_outline_ms > 0 && ui[0]!.capture_to_crop_ms > 0);
      assert.ok(ui[0]!.crop_iou > 0.5, `daylight crop IoU ${ui[0]!.crop_iou}`);
      const m = await store.measurements(r!.id);
      assert.equal(m.length, 1);
      assert.equal(m[0]!.iou !== null, true);
    } finally {
      await store.close();
    }
  });

  test('a spec with a wrong expected text fails with a clear message and exit code 1', async () => {
    const run = await runWdio({ RIO_UI_VDEVICES: '1', RIO_UI_SPECS: './scenarios/ui/fixtures/wrong-text.ui.ts' }, join(tmp, 'fail'));
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /Expect \$\(`~Capture`\) to have text[\s\S]*Expected[^\n]*"Snap"[\s\S]*Received[^\n]*"Capture"/);
    assert.doesNotMatch(run.output, /infrastructure failure/);
    assert.match(junitOf(run), /<failure [^>]*message="[^"]*Snap/);
  });

  test('a vdevice that drops its link mid-spec is an infrastructure failure, retried on a new session', async () => {
    const farm = await startTestFarm({ count: 1 });
    try {
      const dir = join(tmp, 'drop');
      const run = await runWdio({
        ANDROID_ADB_SERVER_PORT: String(farm.adbPort), RIO_UI_VDEVICES: '', RIO_UI_FIXTURE_DIR: tmp,
        RIO_UI_SPECS: './scenarios/ui/fixtures/drop-midway.ui.ts',
      }, dir, () => {
        if (existsSync(join(tmp, 'ready')) && !existsSync(join(tmp, 'dropped'))) {
          writeFileSync(join(tmp, 'dropped'), '');
          void farm.vdevices[0]!.disconnect(2);
        }
      });
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /attempt 1 of 'captures a card' hit an infrastructure failure, retrying on a new session: .*DEVICE_GONE/);
      const store = await openStore(`sqlite:${run.db}`);
      try {
        const [r] = await store.listRuns();
        assert.equal(r?.status, 'passed');
        const attempts = await store.attempts(r!.id);
        assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome]), [[1, 'infra_error'], [2, 'ok']]);
        assert.match(attempts[0]!.error_message ?? '', /DEVICE_GONE/);
      } finally {
        await store.close();
      }
    } finally {
      await farm.stop();
    }
  });
});
