/**
 * `npm run bench:signoff`: how often the sign-off's verdicts are wrong, and what it costs.
 *  - A/A false FAIL over ≥ 100 simulated sign-offs on recorded vdevice noise (fixture from signoff-record.ts)
 *  - power against a candidate 5% (and 10%) slower on one device, and IoU 0.01 (and 0.02) lower in one lighting,
 *    by perturbing the recorded candidate frames
 *  - real A/A sign-offs on vdevices (--real N) and the wall time per device of the default policy (--default-wall)
 * Prints a table; a benchmark, not a timed test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicy, QUICK_POLICY_PATH, DEFAULT_POLICY_PATH, type SignoffPolicy } from '../src/signoff/policy.ts';
import type { Judgement } from '../src/signoff/judge.ts';
import { recordedUnits } from './signoff-noise.ts';
import { simulateSignoff, noInjection, slower, lowerIoU, type Injection } from './signoff-simulate.ts';

const { values } = parseArgs({ options: {
  sims: { type: 'string', default: '200' }, power: { type: 'string', default: '100' },
  real: { type: 'string', default: '3' }, 'default-wall': { type: 'boolean', default: true }, 'no-default-wall': { type: 'boolean', default: false },
} });

const units = recordedUnits();
const serials = [...units.keys()].sort();
// Simulated sign-offs use the recorded block size (24 frames), so they follow the quick policy's
// block, minimum and budget settings, with the default gates and statistics.
const policy: SignoffPolicy = { ...loadPolicy(DEFAULT_POLICY_PATH).policy, block: loadPolicy(QUICK_POLICY_PATH).policy.block,
  minimums: { frames: 48, seconds: 1, units: 3 }, budget: { max_units: 8 }, statistics: { ...loadPolicy(DEFAULT_POLICY_PATH).policy.statistics, bootstrap_iterations: 1000 } };
const lightings = new Map<string, number>();
for (const us of units.values()) for (const u of us) for (const f of u[1]!.frames) if (f.cards > 0) lightings.set(f.lighting, (lightings.get(f.lighting) ?? 0) + 1);
const commonest = [...lightings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];

const rows: string[][] = [];
const pct = (k: number, n: number) => `${k}/${n} = ${((100 * k) / n).toFixed(1)}%`;

function batch(n: number, inject: Injection, seed0: number): Judgement[] {
  return Array.from({ length: n }, (_, i) => simulateSignoff(units, policy, seed0 + i, inject));
}
const gateVerdicts = (js: Judgement[], gate: string) => js.map((j) => j.gates[gate]?.verdict ?? 'PASS');
const count = (vs: string[], v: string) => vs.filter((x) => x === v).length;

const sims = Number(values.sims), power = Number(values.power);
let t0 = Date.now();
const aa = batch(sims, noInjection, 1);
rows.push(['A/A simulated (recorded noise), units 3–8', `${sims} sign-offs × ${serials.length} vdevices`, `false FAIL ${pct(count(aa.map((j) => j.overall), 'FAIL'), sims)}; INCONCLUSIVE ${pct(count(aa.map((j) => j.overall), 'INCONCLUSIVE'), sims)}`, '≤ 1% false FAIL', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
{
  // The default policy's unit counts (≥ 5, and more while undecided) on the same recorded 24-frame blocks.
  t0 = Date.now();
  const wide = { ...policy, minimums: { ...policy.minimums, units: 5 }, budget: { max_units: 12 } };
  const vs = Array.from({ length: sims }, (_, i) => simulateSignoff(units, wide, 50_000 + i, noInjection).overall);
  rows.push(['A/A simulated (recorded noise), units 5–12', `${sims} sign-offs × ${serials.length} vdevices`, `false FAIL ${pct(count(vs, 'FAIL'), sims)}; INCONCLUSIVE ${pct(count(vs, 'INCONCLUSIVE'), sims)}`, '≤ 1% false FAIL', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
}
for (const [label, inject, gate] of [
  ['latency +5% on one device', slower(serials[0]!, 1.05), 'latency'],
  ['latency +10% on one device', slower(serials[0]!, 1.10), 'latency'],
  [`IoU −0.01 in ${commonest}`, lowerIoU(commonest, 0.01), 'iou'],
  [`IoU −0.02 in ${commonest}`, lowerIoU(commonest, 0.02), 'iou'],
] as const) {
  t0 = Date.now();
  const vs = gateVerdicts(batch(power, inject, 10_000), gate);
  rows.push([`power: ${label}`, `${power} sign-offs (recorded frames perturbed)`, `${gate} FAIL ${pct(count(vs, 'FAIL'), power)}; not PASS ${pct(power - count(vs, 'PASS'), power)}`, '≥ 90% FAIL', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
}

const real = Number(values.real);
if (real > 0 || (values['default-wall'] && !values['no-default-wall'])) {
  const { startTestFarm } = await import('../test-support/farm.ts');
  const { runSignoff } = await import('../src/signoff/run-signoff.ts');
  const { generateSigningKey, loadSigningKey } = await import('../src/signoff/signing.ts');
  const { RELEASE_MODEL } = await import('../../android-demo/apk/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rio-bench-signoff-'));
  const farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
  generateSigningKey(join(dir, 'key.pem'));
  const key = loadSigningKey(join(dir, 'key.pem'));
  const one = (policyPath: string, i: number) => runSignoff({ candidate: RELEASE_MODEL, baseline: RELEASE_MODEL, policy: policyPath, devices: farm.serials,
    db: `sqlite:${join(dir, 'rio-farm.db')}`, out: join(dir, `out-${i}`), key, vdevices: 0, log: () => undefined });
  try {
    if (real > 0) {
      const verdicts: string[] = [];
      t0 = Date.now();
      for (let i = 0; i < real; i++) verdicts.push((await one(QUICK_POLICY_PATH, i)).verdict);
      rows.push(['A/A real vdevice sign-offs (quick policy)', `${real} × 1 vdevice`, `FAIL ${count(verdicts, 'FAIL')}/${real}; ${verdicts.join(' ')}`, '0 of 10 FAIL', `${((Date.now() - t0) / 1000 / real).toFixed(0)} s each`]);
    }
    if (values['default-wall'] && !values['no-default-wall']) {
      // The default policy, stopped at its minimums (max_units = units): the floor of a real sign-off's wall time per device.
      const capped = join(dir, 'default-at-minimum.yaml');
      const text = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
      writeFileSync(capped, text.replace(/max_units: 40/, `max_units: ${loadPolicy().policy.minimums.units}`));
      t0 = Date.now();
      const s = await one(capped, 999);
      const minutes = (Date.now() - t0) / 60_000;
      const rep = JSON.parse(readFileSync(s.files.json, 'utf8')).report;
      const d = rep.devices[0];
      rows.push(['wall time per device, default policy', `1 vdevice, ${d.units} units (the minimum), ${d.frames_candidate} frames/arm, ${d.seconds_candidate} s/arm measured`,
        `${minutes.toFixed(1)} min (verdict ${s.verdict}); budget of ${loadPolicy().policy.budget.max_units} units ≈ ${(minutes * loadPolicy().policy.budget.max_units / d.units).toFixed(0)} min`, 'reported', '']);
    }
  } finally {
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const header = ['check', 'sample', 'result', 'goal', 'time'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ');
process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
