/**
 * The slow-inference fault end to end on a vdevice through the real adb server: a candidate that is
 * genuinely slower — the release model plus dead-work convolutions, outputs bit-identical — FAILs
 * the latency gate, judged on the inference thread's CPU time, while no accuracy gate FAILs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { tinyPolicyText } from '../../test-support/signoff-tiny-policy.ts';
import { RELEASE_MODEL } from '../../../android-demo/apk/index.ts';
import { convertOnnxToTflite } from '../../../android-demo/model/converter/convert.ts';
import { runSignoff } from './run-signoff.ts';
import { generateSigningKey, loadSigningKey } from './signing.ts';
import { slowerOnnx } from './slower-model.ts';
import { SIGNOFF_EXIT } from './run-signoff.ts';

const RELEASE_ONNX = fileURLToPath(new URL('../../../android-demo/model/release/rio.onnx', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rio-signoff-slow-'));
let farm: TestFarm;

const TINY = tinyPolicyText();
const SLOWER_CONVS = 32;

before(async () => {
  farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('a genuinely slower candidate (dead-work convolutions, same outputs) FAILs latency on a vdevice, on thread CPU time; no accuracy gate FAILs', async () => {
  const candidate = join(dir, 'slower.tflite');
  // A slowdown larger than the VM's two speeds (~9 vs ~14 ms for the same inference, seconds at a
  // time): with the tiny policy's 2 units of 6-frame blocks, one unit's baseline can sit wholly in the
  // slow phase and its candidate in the fast one — 8 convolutions (≈ ×1.28) then read a unit ratio
  // near 1.0 and the gate INCONCLUSIVE (CI, 2026-12-07). 32 (≈ ×2) still reads > 1.05 in that case.
  // The gate's power at +5% is measured on recorded noise by bench:signoff, not here.
  writeFileSync(candidate, convertOnnxToTflite(slowerOnnx(readFileSync(RELEASE_ONNX), SLOWER_CONVS)).tflite);
  const policy = join(dir, 'tiny.yaml');
  writeFileSync(policy, TINY);
  generateSigningKey(join(dir, 'key.pem'));
  const s = await runSignoff({ candidate, baseline: RELEASE_MODEL, policy, devices: farm.serials, db: `sqlite:${join(dir, 'rio-farm.db')}`,
    out: join(dir, 'out'), key: loadSigningKey(join(dir, 'key.pem')), vdevices: 1, log: () => undefined, settleMs: 0 });
  const gates = (JSON.parse(readFileSync(s.files.json, 'utf8')) as { report: { gates: Record<string, { verdict: string; cells: Record<string, unknown>[] }> } }).report.gates;
  const latency = gates.latency!.cells[0]!;
  assert.equal(latency.series, 't_infer_cpu', JSON.stringify(latency));
  assert.equal(gates.latency!.verdict, 'FAIL', JSON.stringify(latency));
  assert.ok((latency.estimate as number) > 1.1, `the candidate measured slower: ${JSON.stringify(latency)}`);
  for (const [gate, g] of Object.entries(gates)) {
    if (gate !== 'latency') assert.notEqual(g.verdict, 'FAIL', `${gate} must not FAIL on identical outputs: ${JSON.stringify(g).slice(0, 800)}`);
  }
  assert.equal(s.verdict, 'FAIL');
  assert.equal(s.exitCode, SIGNOFF_EXIT.FAIL);
});
