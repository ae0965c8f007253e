/**
 * The UI suite as CI runs it (`npm run test:ui` = run-ui.ts → wdio.conf.ts) in a child process, with
 * the JUnit output, the exit code and the store checked afterwards. The app under test is the demo
 * APK built with the placeholder "bright blob" model (RIO_APK): it finds the white card of the
 * daylight scenario every time, so these tests check the harness, not the current model's quality
 * (`npm run test:ui` checks that).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../harness/src/store/index.ts';
import { startTestFarm } from '../../harness/test-support/farm.ts';
import { buildApk } from '../../android-demo/apk/build-apk.ts';
import { placeholderModel } from '../../android-demo/apk/placeholder-model.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_UI = join(ROOT, 'scenarios/ui/run-ui.ts');

interface WdioRun { code: number; output: string; outDir: string; db: string }

/** Runs the UI suite; resolves with its exit code and output. `whileRunning` is called every 50 ms. */
let apk = '';

function runWdio(env: NodeJS.ProcessEnv, tmp: string, whileRunning?: () => void): Promise<WdioRun> {
  const outDir = join(tmp, 'reports');
  const db = join(tmp, 'ui.db');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_UI], {
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

    await withStore(run, async (store, r) => {
      assert.equal(r.suite, 'ui');
      assert.equal(r.status, 'passed');
      assert.deepEqual(await store.runLabels(r.id), { kind: 'ui', target: 'vdevice' });
      const ui = await store.db.all<{ lighting: string; launch_ms: number; time_to_outline_ms: number; capture_to_crop_ms: number; crop_iou: number }>(
        'SELECT * FROM ui_measurements WHERE run_id = ?', [r.id]);
      assert.equal(ui.length, 1);
      assert.equal(ui[0]!.lighting, 'daylight');
      assert.ok(ui[0]!.launch_ms > 0 && ui[0]!.time_to_outline_ms > ui[0]!.launch_ms && ui[0]!.capture_to_crop_ms > 0);
      assert.ok(ui[0]!.crop_iou > 0.5, `daylight crop IoU ${ui[0]!.crop_iou}`);
      const m = await store.measurements(r.id);
      assert.equal(m.length, 1);
      assert.ok(m[0]!.iou !== null && m[0]!.t_infer !== null, 'the captured frame is a measurements row with its stage timings');
      const [item] = await store.workItems(r.id);
      assert.ok((await store.scenarioFrames('smoke', item!.scenario_id, item!.truth_sha256)).length > 0, 'the scenario truth is stored like rio-farm run does');
    });
  });

  test('a spec with a wrong expected text fails with a clear message and exit code 1', async () => {
    const run = await runWdio({ RIO_UI_VDEVICES: '1', RIO_UI_SPECS: './scenarios/ui/fixtures/wrong-text.ui.ts' }, join(tmp, 'fail'));
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /Expect \$\(`~Capture`\) to have text[\s\S]*Expected[^\n]*"Snap"[\s\S]*Received[^\n]*"Capture"/);
    assert.doesNotMatch(run.output, /infrastructure failure/);
    assert.match(junitOf(run), /<failure [^>]*message="[^"]*Snap/);
  });

  test('an unknown lighting is bad input: exit code 3, a message naming the known ones', async () => {
    const run = await runWdio({ RIO_UI_VDEVICES: '1', RIO_UI_LIGHTINGS: 'sunset' }, join(tmp, 'bad'));
    assert.equal(run.code, 3, run.output);
    assert.match(run.output, /unknown UI lighting 'sunset' \(daylight, dim, backlit, glare\)/);
  });

  test('a vdevice that drops its link mid-spec is an infrastructure failure, retried on a new session', async () => {
    const run = await runWithDrop(join(tmp, 'drop'), {});
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /attempt 1 of 'captures a card' hit an infrastructure failure, retrying on a new session: .*DEVICE_GONE/);
    await withStore(run, async (store, r) => {
      assert.equal(r.status, 'passed');
      const attempts = await store.attempts(r.id);
      assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome]), [[1, 'infra_error'], [2, 'ok']]);
      assert.match(attempts[0]!.error_message ?? '', /DEVICE_GONE/);
    });
  });

  test('with no retry left, a dropped device ends the run with exit code 2 (infrastructure), not 1', async () => {
    const run = await runWithDrop(join(tmp, 'drop-once'), { RIO_UI_ATTEMPTS: '1' });
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, /infrastructure failure after 1 attempts: .*DEVICE_GONE/);
    await withStore(run, async (store, r) => {
      assert.equal(r.status, 'infra_failure');
      assert.deepEqual((await store.attempts(r.id)).map((a) => a.outcome), ['infra_error']);
    });
  });
});

/** Runs the drop-midway fixture on a test farm, dropping the device's link when the spec says it is ready. */
async function runWithDrop(dir: string, env: NodeJS.ProcessEnv): Promise<WdioRun> {
  const farm = await startTestFarm({ count: 1 });
  try {
    mkdirSync(dir, { recursive: true });
    return await runWdio({
      ANDROID_ADB_SERVER_PORT: String(farm.adbPort), RIO_UI_VDEVICES: '', RIO_UI_FIXTURE_DIR: dir,
      RIO_UI_SPECS: './scenarios/ui/fixtures/drop-midway.ui.ts', ...env,
    }, dir, () => {
      if (existsSync(join(dir, 'ready')) && !existsSync(join(dir, 'dropped'))) {
        writeFileSync(join(dir, 'dropped'), '');
        void farm.vdevices[0]!.disconnect(2);
      }
    });
  } finally {
    await farm.stop();
  }
}

type Store = Awaited<ReturnType<typeof openStore>>;

/** Opens the run's store and hands over its only run. */
async function withStore(run: WdioRun, fn: (store: Store, r: NonNullable<Awaited<ReturnType<Store['getRun']>>>) => Promise<void>) {
  const store = await openStore(`sqlite:${run.db}`);
  try {
    const runs = await store.listRuns();
    assert.equal(runs.length, 1);
    await fn(store, runs[0]!);
  } finally {
    await store.close();
  }
}
