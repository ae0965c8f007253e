/**
 * The harness killed with SIGKILL mid-run, then `--resume`: finished scenarios are not redone,
 * nothing is missing, no row is duplicated.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { openStore } from '../store/index.ts';
import { runSuite } from './run-suite.ts';
import { quietProgress, tempRun } from './run-test-support.ts';

const CLI = fileURLToPath(new URL('../../bin/rio-farm.mjs', import.meta.url));
let farm: TestFarm;
const tmp = tempRun();

before(async () => {
  farm = await startTestFarm({ count: 2 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); tmp.cleanup(); });

test('a run killed with SIGKILL resumes without redoing, losing or duplicating anything', async () => {
  const child = spawn(process.execPath, [CLI, 'run', '--suite', 'smoke', '--devices', farm.serials.join(','), '--db', tmp.db,
    '--out', `${tmp.dir}/killed`], { env: farm.env, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, sig) => r(sig)));
  const store = await openStore(tmp.db);
  try {
    let runId = '';
    let doneBefore = new Map<string, string | null>();
    for (let i = 0; i < 600; i++) {
      const runs = await store.listRuns();
      if (runs[0]) {
        runId = runs[0].id;
        const items = await store.workItems(runId);
        const done = items.filter((it) => it.status === 'done');
        if (done.length >= 3) { doneBefore = new Map(done.map((d) => [d.id, d.done_attempt_id])); break; }
      }
      await sleep(100);
    }
    assert.ok(runId && doneBefore.size >= 3, 'the run made progress before the kill');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const planned = (await store.workItems(runId)).length;
    assert.ok((await store.workItems(runId)).some((i) => i.status === 'pending'), 'killed mid-run');

    const r = await runSuite({ ...tmp.options(), resume: runId }, { progress: quietProgress() });
    assert.equal(r.runId, runId);
    const items = await store.workItems(runId);
    assert.equal(items.length, planned, 'no item added or lost');
    assert.ok(items.every((i) => i.status === 'done'), 'everything finished after resume');
    for (const [id, attempt] of doneBefore) assert.equal(items.find((i) => i.id === id)!.done_attempt_id, attempt, `${id} was not redone`);
    const attempts = await store.attempts(runId);
    const ok = attempts.filter((a) => a.outcome === 'ok');
    assert.equal(ok.length, planned, 'exactly one successful attempt per item');
    assert.equal(new Set(ok.map((a) => a.item_id)).size, planned);
    assert.ok(attempts.every((a) => a.outcome !== 'running'), 'attempts cut off by the kill are marked abandoned');
    const rows = await store.measurements(runId);
    const okIds = new Set(ok.map((a) => a.id));
    assert.ok(rows.every((m) => okIds.has(m.attempt_id)), 'measurements only from successful attempts');
    const keys = rows.map((m) => `${m.serial}/${m.scenario_id}/${m.repeat_index}/${m.frame_index}/${m.attempt_id}`);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate measurement rows');
    const perItem = new Map<string, number>();
    for (const m of rows) perItem.set(m.attempt_id, (perItem.get(m.attempt_id) ?? 0) + 1);
    for (const a of ok) assert.ok((perItem.get(a.id) ?? 0) > 0, `${a.item_id} has its frames`);
    assert.equal((await store.getRun(runId))!.status === 'running', false);
    assert.equal((await store.listLeases()).length, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.close();
  }
});
