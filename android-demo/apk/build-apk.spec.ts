import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { buildApk } from './build-apk.ts';
import { ensureDemoApk, demoModel, demoQuarterTurn } from './index.ts';
import { readApkIdentity } from './apk-manifest.ts';
import { readAppVersion } from './app-version.ts';

test('builds a signed, aligned APK that aapt, apksigner and adbkit-apkreader all read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-apk-test-'));
  try {
    const v = { ...readAppVersion(), versionName: '9.8.7-é', versionCode: 4321 };
    const model = new Uint8Array([1, 2, 3, 4, 5]);
    const a = join(dir, 'a.apk'), b = join(dir, 'b.apk');
    const { sha256 } = await buildApk(model, a, v);
    execFileSync('apksigner', ['verify', a]);
    execFileSync('zipalign', ['-c', '-p', '4', a]);
    const badging = execFileSync('aapt', ['dump', 'badging', a], { encoding: 'utf8' });
    assert.match(badging, /package: name='dev\.riofarm\.rio' versionCode='4321' versionName='9\.8\.7-é'/);
    assert.match(badging, /launchable-activity: name='dev\.riofarm\.rio\.MainActivity'/);
    const id = await readApkIdentity(a);
    assert.deepEqual([id.packageName, id.versionCode, id.versionName], ['dev.riofarm.rio', 4321, '9.8.7-é']);
    const zip = await JSZip.loadAsync(readFileSync(a));
    assert.deepEqual([...await zip.file('assets/rio.tflite')!.async('uint8array')], [1, 2, 3, 4, 5]);
    assert.equal(zip.file('assets/quarter_turn.tflite'), null, 'the detector alone: no quarter-turn classifier');
    // Same inputs, same bytes: the harness skips reinstalling an unchanged app by its hash.
    assert.equal((await buildApk(model, b, v)).sha256, sha256);
    // Both models: each stored uncompressed (TFLite maps them), aligned
    const c = join(dir, 'c.apk');
    assert.notEqual((await buildApk({ detector: model, quarterTurn: new Uint8Array([9, 8, 7]) }, c, v)).sha256, sha256);
    execFileSync('zipalign', ['-c', '-p', '4', c]);
    const listing = execFileSync('unzip', ['-v', c], { encoding: 'utf8' });
    for (const asset of ['assets/rio.tflite', 'assets/quarter_turn.tflite']) assert.match(listing, new RegExp(`\\sStored\\s.*${asset}`), `${asset} stored`);
    assert.deepEqual([...await (await JSZip.loadAsync(readFileSync(c))).file('assets/quarter_turn.tflite')!.async('uint8array')], [9, 8, 7]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ensureDemoApk rebuilds only when inputs change', async () => {
  const first = await ensureDemoApk();
  const mtime = statSync(first.path).mtimeMs;
  const again = await ensureDemoApk();
  assert.equal(again.sha256, first.sha256);
  assert.equal(statSync(again.path).mtimeMs, mtime, 'not rebuilt');
  const zip = await JSZip.loadAsync(readFileSync(first.path));
  assert.deepEqual(Buffer.from(await zip.file('assets/rio.tflite')!.async('uint8array')), Buffer.from(demoModel().bytes));
  const quarterTurn = demoQuarterTurn();
  const packed = await zip.file('assets/quarter_turn.tflite')?.async('uint8array');
  assert.deepEqual(packed && Buffer.from(packed), quarterTurn && Buffer.from(quarterTurn), 'the released quarter-turn classifier, when there is one');
  assert.equal(first.quarterTurnSha256 !== undefined, quarterTurn !== undefined);
});
