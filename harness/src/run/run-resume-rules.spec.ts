/**
 * What `--resume` trusts: the stored options are validated exactly like fresh ones, the upload
 * address comes only from this command line (a stored one is ignored), and a run whose harness
 * still holds its leases is not resumed under it.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { buildServer } from '../../../server/src/app.ts';
import { openStore } from '../store/index.ts';
import { sqliteTestStore, type TestStore } from '../store/test-stores.ts';
import { RioError } from '../errors.ts';
import { runSuite } from './run-suite.ts';
import { quietProgress, tempRun } from './run-test-support.ts';

const TOKEN = 'resume-rules-token';
let farm: TestFarm;
const tmp = tempRun();
let runId = '';
const previousToken = process.env.RIO_FARM_TOKEN;

before(async () => {
  farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
  process.env.RIO_FARM_TOKEN = TOKEN;
  runId = (await runSuite(tmp.options({ scenarios: ['daylight-wood'] }), { progress: quietProgress() })).runId;
});
after(async () => {
  if (previousToken === undefined) delete process.env.RIO_FARM_TOKEN; else process.env.RIO_FARM_TOKEN = previousToken;
  await farm?.stop();
  tmp.cleanup();
});

/** A real rio-farm server accepting uploads into a store of its own. */
async function uploadServer(): Promise<{ url: string; target: TestStore; close(): Promise<void> }> {
  const target = await sqliteTestStore();
  const app = await buildServer({ store: target.store, ingestToken: TOKEN, scenarioCacheDir: tmp.dir, reportsDir: tmp.dir, logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, target, close: async () => { await app.close(); await target.drop(); } };
}

/** Rewrites the stored options of the run, as anyone with write access to the store could. */
async function storeOptions(patch: Record<string, unknown>): Promise<string> {
  const store = await openStore(tmp.db);
  try {
    const run = (await store.getRun(runId))!;
    await store.updateRun(runId, { options_json: JSON.stringify({ ...JSON.parse(run.options_json), ...patch }) });
    return run.options_json;
  } finally { await store.close(); }
}

const resume = (over: Record<string, unknown> = {}) => runSuite({ ...tmp.options(), resume: runId, ...over }, { progress: quietProgress() });

test('--resume validates the stored options exactly like fresh ones, before touching the run', async () => {
  const original = await storeOptions({});
  for (const [patch, option] of [
    [{ delegate: 'cpu; reboot' }, '--delegate'],
    [{ repeat: 0 }, '--repeat'],
    [{ threads: '4' }, '--threads'],
    [{ labels: { 'bad key': 'x' } }, '--label'],
    [{ bars: { iou_median: 'high' } }, '--bar'],
    [{ devices: [] }, '--devices'],
    [{ upload: 'file:///etc/passwd' }, null],
  ] as const) {
    await storeOptions(patch);
    if (option) {
      const refused = (e: unknown) => e instanceof RioError && e.code === 'BAD_ARGUMENT' && e.where?.option === option;
      await assert.rejects(runSuite({ ...tmp.options(), ...patch } as never, { progress: quietProgress() }), refused, `fresh ${JSON.stringify(patch)}`);
      await assert.rejects(resume(), refused, `stored ${JSON.stringify(patch)} is refused naming ${option}, like a fresh one`);
    } else {
      await resume(); // a stored upload is not even looked at: nothing to refuse
    }
    await storeOptions(JSON.parse(original));
  }
  const store = await openStore(tmp.db);
  try {
    assert.equal((await store.getRun(runId))!.status !== 'running', true, 'a refused resume left the run as it was');
  } finally { await store.close(); }
});

test('--resume never uploads to a stored address: only to the one given on its own command line', async () => {
  const stored = await uploadServer();
  const given = await uploadServer();
  const original = await storeOptions({ upload: stored.url });
  try {
    await resume();
    assert.equal(await stored.target.store.getRun(runId), undefined, 'no upload without --upload');
    await resume({ upload: given.url });
    assert.equal((await given.target.store.getRun(runId))?.id, runId, 'uploaded where this command line said');
    assert.equal(await stored.target.store.getRun(runId), undefined, 'never to the stored address');
  } finally {
    await storeOptions(JSON.parse(original));
    await stored.close(); await given.close();
  }
});

test('--resume refuses a run whose harness still holds a lease on this host, and touches nothing', async () => {
  const harness = spawn('sleep', ['600'], { stdio: 'ignore' });
  await new Promise((r) => harness.once('spawn', r));
  const store = await openStore(tmp.db);
  try {
    assert.equal((await store.acquireLease(farm.serials[0]!, runId, `${hostname()}:${harness.pid}`, 60_000)).ok, true);
    const before = await store.getRun(runId);
    await assert.rejects(resume(), (e: unknown) => e instanceof RioError && e.code === 'BAD_ARGUMENT'
      && new RegExp(`run ${runId} is still running: ${hostname()}:${harness.pid} holds the lease`).test(e.message));
    assert.deepEqual(await store.getRun(runId), before, 'the live run was not marked as resumed');
    await new Promise((r) => { harness.once('exit', r); harness.kill('SIGKILL'); });
    const r = await resume();
    assert.equal(r.runId, runId, 'once that harness is gone the run resumes');
    assert.equal((await store.listLeases()).length, 0);
  } finally {
    if (harness.exitCode === null && harness.signalCode === null) harness.kill('SIGKILL');
    await store.close();
  }
});
