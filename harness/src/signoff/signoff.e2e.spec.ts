/**
 * `rio-farm signoff` end to end on a vdevice through the real adb server (its own port) with a tiny
 * policy on the smoke suite: the release model against itself (A/A) — blocks stored as runs, a
 * signed report that `verify` accepts, recomputes byte for byte, and refuses once tampered with.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { tinyPolicyText } from '../../test-support/signoff-tiny-policy.ts';
import { storeKinds } from '../store/test-stores.ts';
import { RELEASE_MODEL } from '../../../android-demo/apk/index.ts';
import { runSignoff } from './run-signoff.ts';
import { generateSigningKey, loadSigningKey } from './signing.ts';
import { verifyReport } from './verify.ts';
import { buildReport } from './report.ts';
import { canonicalJson } from './canonical-json.ts';
import { loadPolicy } from './policy.ts';
import { signoffBlocks } from '../store/signoffs.ts';

const dir = mkdtempSync(join(tmpdir(), 'rio-signoff-'));
let farm: TestFarm;

const TINY = tinyPolicyText();

before(async () => {
  farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); rmSync(dir, { recursive: true, force: true }); });

for (const kind of storeKinds()) test(`an A/A sign-off on a vdevice (${kind.name}) stores its blocks as runs and writes a signed report that verify accepts and recomputes byte for byte`, async () => {
  const ts = await kind.open();
  const db = ts.url;
  const policyPath = join(dir, `tiny-${kind.name}.yaml`);
  writeFileSync(policyPath, TINY);
  assert.equal(loadPolicy(policyPath).policy.budget.max_units, 2);
  const keyPath = join(dir, `key-${kind.name}.pem`);
  generateSigningKey(keyPath);
  const lines: string[] = [];
  const s = await runSignoff({ candidate: RELEASE_MODEL, baseline: RELEASE_MODEL, policy: policyPath, devices: farm.serials, db,
    out: join(dir, `out-${kind.name}`), key: loadSigningKey(keyPath), vdevices: 1, log: (l) => lines.push(l), settleMs: 0 });
  // The same model against itself on the same frames gives identical detections on a vdevice, so no gate but latency
  // may FAIL. Latency on a shared 2-core host is noise: its A/A rate is measured by `npm run bench:signoff`, not here.
  const gates = (JSON.parse(readFileSync(s.files.json, 'utf8')) as { report: { gates: Record<string, { verdict: string }> } }).report.gates;
  for (const [gate, g] of Object.entries(gates)) {
    if (gate !== 'latency') assert.notEqual(g.verdict, 'FAIL', `A/A gate ${gate} must not FAIL: ${JSON.stringify(g).slice(0, 1500)}`);
  }
  assert.ok(['PASS', 'FAIL', 'INCONCLUSIVE'].includes(s.verdict));

  const store = ts.store;
  try {
    const blocks = await signoffBlocks(store, s.id);
    assert.equal(blocks.filter((b) => b.valid).length, 8, '2 units × ABBA');
    assert.deepEqual(blocks.slice(0, 4).map((b) => b.arm), ['baseline', 'candidate', 'candidate', 'baseline']);
    for (const b of blocks) assert.ok((await store.measurements(b.run_id)).length > 0, `block run ${b.run_id} has stored frames`);

    const report = JSON.parse(readFileSync(s.files.json, 'utf8'));
    assert.equal(report.report.meta.devices[0].virtual, true);
    assert.equal(report.report.gates.latency.cells[0].series, 't_infer_cpu', 'a vdevice\'s latency is judged on thread CPU time');
    assert.match(report.report.meta.devices[0].build_fingerprint, /.+/);
    assert.match(report.report.policy.sha256, /^[0-9a-f]{64}$/);
    assert.equal(report.report.meta.models.candidate.tflite_sha256, report.report.meta.models.baseline.tflite_sha256);

    // Same store → byte-identical report.
    assert.equal(canonicalJson(await buildReport(store, s.id)), canonicalJson(await buildReport(store, s.id)));
    assert.equal(canonicalJson(await buildReport(store, s.id)), canonicalJson(report.report));

    const ok = await verifyReport(store, s.files.json, readFileSync(`${keyPath}.pub`, 'utf8'));
    assert.deepEqual(ok.problems, []);

    // A figure edited and re-signed with another key: the signature may hold, the recomputation cannot.
    const other = join(dir, `other-${kind.name}.pem`);
    generateSigningKey(other);
    const tampered = structuredClone(report);
    tampered.report.gates.latency.cells[0].hi = 1.0;
    const { signReport, writeReportFiles } = await import('./report-files.ts');
    const files = writeReportFiles(join(dir, `tampered-${kind.name}`), signReport(tampered.report, loadSigningKey(other)));
    const refused = await verifyReport(store, files.json, readFileSync(`${keyPath}.pub`, 'utf8'));
    assert.equal(refused.ok, false);
    assert.ok(refused.problems.some((p) => p.includes('recomputed report differs') && p.includes('latency')), refused.problems.join('; '));
    assert.ok(refused.problems.some((p) => p.includes('key other than the trusted')), refused.problems.join('; '));

    // A changed stored frame is caught too: the store is the evidence.
    await store.db.run('UPDATE measurements SET t_total = t_total * 3, t_infer_cpu = t_infer_cpu * 3 WHERE run_id = ?', [blocks[1]!.run_id]);
    assert.equal((await verifyReport(store, s.files.json)).ok, false);
  } finally { await ts.drop(); }
});
