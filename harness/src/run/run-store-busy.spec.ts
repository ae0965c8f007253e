/**
 * A store error in the runner is an infrastructure failure that is retried, not a lost scenario:
 * another process holds the SQLite store's write lock (as a big upload to the server on the same
 * file can) while an attempt finishes, so storing its results fails with SQLITE_BUSY. The attempt
 * keeps its evidence, and the scenario is run again and stored.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { REPO_ROOT } from '../../test-support/cli-process.ts';
import { parseFault } from '../../vdevice/index.ts';
import { openStore } from '../store/index.ts';
import { runSuite } from './run-suite.ts';
import { quietProgress, tempRun } from './run-test-support.ts';

/** The store's whole busy budget in this test, and a lock held well past it, so the results write really fails. */
const BUSY_BUDGET_MS = 3_000;
const HOLD_LOCK_MS = 15_000;

let farm: TestFarm;
const tmp = tempRun();
let locker: ChildProcess | undefined;

before(async () => {
  process.env.RIO_STORE_BUSY_BUDGET_MS = String(BUSY_BUDGET_MS);
  // The stall holds the replay for 4 s after it started: time to take the lock before its results arrive.
  farm = await startTestFarm({ count: 1, faults: [parseFault('stall:at=frame,frame=1,for=4')] });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { locker?.kill('SIGKILL'); await farm?.stop(); tmp.cleanup(); });

/** Another process takes the store's write lock (BEGIN IMMEDIATE) and holds it for `ms`. */
async function holdWriteLock(dbPath: string, ms: number): Promise<ChildProcess> {
  const script = `const db = require('better-sqlite3')(process.argv[1]); db.pragma('busy_timeout = 30000'); db.exec('BEGIN IMMEDIATE');
    console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, dbPath, String(ms)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

test('results that cannot be stored because the store is busy are retried, not lost, and the failed attempt keeps its evidence', async () => {
  const opts = tmp.options({ scenarios: ['daylight-wood'], retries: 2 });
  const watcher = await openStore(tmp.db);
  try {
    const running = runSuite(opts, { progress: quietProgress() });
    // Take the lock once the first attempt is running on the device.
    for (let i = 0; i < 1200 && !locker; i++) {
      const attempt = await watcher.db.get<{ outcome: string }>("SELECT outcome FROM attempts WHERE outcome = 'running'");
      if (attempt) locker = await holdWriteLock(tmp.db.slice('sqlite:'.length), HOLD_LOCK_MS);
      else await sleep(50);
    }
    assert.ok(locker, 'an attempt started');
    const r = await running;
    const attempts = await watcher.attempts(r.runId);
    assert.equal(attempts[0]!.outcome, 'infra_error');
    assert.equal(attempts[0]!.error_code, 'STORE_ERROR');
    assert.match(attempts[0]!.error_message!, /BUSY|locked/);
    assert.ok(attempts[0]!.results_path && existsSync(join(r.outDir, attempts[0]!.results_path)), 'the failed attempt kept its results.json');
    assert.equal(attempts.at(-1)!.outcome, 'ok', 'retried once the store answered');
    const items = await watcher.workItems(r.runId);
    assert.deepEqual(items.map((i) => i.status), ['done']);
    assert.equal((await watcher.measurements(r.runId)).length > 0, true, 'the retry stored its frames');
    assert.notEqual(r.exitCode, 2, 'no infrastructure failure left');
  } finally { await watcher.close(); }
});
