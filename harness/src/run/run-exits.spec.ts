/**
 * Every `rio-farm run` ends by itself, with the devices attached before it started (phones on a hub,
 * `rio-farm vdevice start` in another terminal): the CLI as a child process, against vdevices this
 * test connected to its own adb server beforehand, must exit within seconds of writing its report —
 * on a pass, a product failure, an infrastructure failure, bad input and Ctrl-C — without main.ts's
 * safety net having to end it.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { startCli, exitWithin, LINGER_LINE, type CliProcess } from '../../test-support/cli-process.ts';
import { startVirtualDevice, parseFault, type VirtualDevice } from '../../vdevice/index.ts';
import { adbConnect, adbDisconnect } from '../devices/index.ts';
import { openStore } from '../store/index.ts';
import { tempRun } from './run-test-support.ts';

/** The spec's bound: a finished run is gone within this long after its report (or its error). */
const EXITS_WITHIN_MS = 15_000;
/** Generous time for one short run to reach its report on 2 shared cores. */
const RUN_WITHIN_MS = 180_000;
const NO_BARS = ['--bar', 'iou_median=none', '--bar', 'detection_rate=none', '--bar', 'false_detection_rate=none'];

let farm: TestFarm;
let crashing: VirtualDevice;
const tmp = tempRun();
const started: CliProcess[] = [];
const runIds: string[] = [];

before(async () => {
  farm = await startTestFarm({ count: 1 });
  crashing = await startVirtualDevice({ faults: [parseFault('crash:frame=0')] });
  await adbConnect(crashing.serial, farm.adbPort);
});
after(async () => {
  for (const c of started) c.kill();
  await adbDisconnect(crashing.serial, farm.adbPort).catch(() => undefined);
  await crashing?.stop().catch(() => undefined);
  await farm?.stop();
  tmp.cleanup();
});

function run(name: string, args: string[]): { cli: CliProcess; out: string } {
  const out = join(tmp.dir, name);
  const cli = startCli(['run', '--db', tmp.db, '--out', out, ...args], farm.env);
  started.push(cli);
  return { cli, out };
}

/** Runs to its report, then asserts the exit code and that it left within the bound by itself. */
async function reportsThenExits(name: string, args: string[], code: number): Promise<void> {
  const { cli, out } = run(name, args);
  const reportAt = await cli.fileAppears(join(out, 'run.json'), RUN_WITHIN_MS);
  const exit = await exitWithin(cli, reportAt, EXITS_WITHIN_MS);
  assert.equal(exit.code, code, cli.stderr);
  assert.doesNotMatch(cli.stderr, LINGER_LINE, 'it closed everything itself; the safety net did not have to end it');
  runIds.push(/run (r\d{8}-\d{6}-\w+)/.exec(cli.stdout)?.[1] ?? '');
}

test('a passing run on a device attached before it exits 0 within seconds of its report', async () => {
  await reportsThenExits('pass', ['--suite', 'smoke', '--devices', farm.serials[0]!, '--scenario', 'daylight-wood', ...NO_BARS], 0);
});

test('a product failure (an impossible latency bar) exits 1 within seconds of its report', async () => {
  await reportsThenExits('product', ['--suite', 'smoke', '--devices', farm.serials[0]!, '--scenario', 'daylight-wood', '--bar', 'p90_ms=0.000001'], 1);
});

test('an infrastructure failure (the app crashes on every run) exits 2 within seconds of its report', async () => {
  await reportsThenExits('infra', ['--suite', 'smoke', '--devices', crashing.serial, '--scenario', 'daylight-wood', '--retries', '0'], 2);
});

test('bad input exits 3 within seconds of its error, before and after adb was opened', async () => {
  for (const [args, error] of [
    [['--suite', 'smoke', '--scenario', 'no-such-scenario'], /BAD_ARGUMENT: suite smoke has no scenario no-such-scenario/],
    [['--suite', 'smoke', '--devices', '127.0.0.1:1'], /BAD_ARGUMENT: device\(s\) not attached: 127\.0\.0\.1:1/],
  ] as const) {
    const { cli } = run('bad', [...args]);
    const errorAt = await cli.stderrMatches(error, RUN_WITHIN_MS);
    const exit = await exitWithin(cli, errorAt, EXITS_WITHIN_MS);
    assert.equal(exit.code, 3, cli.stderr);
    assert.doesNotMatch(cli.stderr, LINGER_LINE);
  }
});

test('Ctrl-C stops a run gracefully: the current attempt ends, the report is written, exit 2', async () => {
  const { cli, out } = run('sigint', ['--suite', 'smoke', '--devices', farm.serials[0]!]);
  await cli.stderrMatches(/: replay /, RUN_WITHIN_MS);
  cli.child.kill('SIGINT');
  const reportAt = await cli.fileAppears(join(out, 'run.json'), RUN_WITHIN_MS);
  const exit = await exitWithin(cli, reportAt, EXITS_WITHIN_MS);
  assert.equal(exit.code, 2, cli.stderr);
  assert.match(cli.stderr, /SIGINT: stopping/);
  assert.doesNotMatch(cli.stderr, LINGER_LINE);
  const store = await openStore(tmp.db);
  try {
    const runId = /run (r\d{8}-\d{6}-\w+)/.exec(cli.stdout)?.[1] ?? '';
    const items = await store.workItems(runId);
    assert.equal((await store.getRun(runId))?.status, 'aborted');
    assert.ok(items.some((i) => i.status === 'pending'), 'stopped before the suite was done');
    assert.equal((await store.listLeases()).length, 0, 'its lease released');
  } finally { await store.close(); }
});

test('a second Ctrl-C exits at once', async () => {
  const { cli } = run('sigint-twice', ['--suite', 'smoke', '--devices', farm.serials[0]!]);
  await cli.stderrMatches(/: replay /, RUN_WITHIN_MS);
  cli.child.kill('SIGINT');
  await cli.stderrMatches(/SIGINT: stopping/, RUN_WITHIN_MS);
  cli.child.kill('SIGINT');
  const secondAt = Date.now();
  const exit = await exitWithin(cli, secondAt, EXITS_WITHIN_MS);
  assert.equal(exit.code, 2, cli.stderr);
  assert.match(cli.stderr, /SIGINT again: exiting now/);
});

test('compare of two stored runs exits within seconds of its table', async () => {
  assert.ok(runIds[0] && runIds[1], 'the pass and product runs ran');
  const cli = startCli(['compare', runIds[0]!, runIds[1]!, '--db', tmp.db], farm.env);
  started.push(cli);
  const exit = await exitWithin(cli, Date.now(), RUN_WITHIN_MS);
  assert.equal(exit.code, 0, cli.stderr);
  assert.match(cli.stdout, /daylight|lighting|device/i);
  assert.doesNotMatch(cli.stderr, LINGER_LINE);
});
