/**
 * `npm run bench:signoff`: how often the sign-off's verdicts are wrong, and what it costs.
 *  - A/A false FAIL over ≥ 100 simulated sign-offs on recorded vdevice noise (fixture from signoff-record.ts)
 *  - power against a candidate 5% (and 10%) slower on one device, and IoU 0.01 (and 0.02) lower in one lighting,
 *    by perturbing the recorded candidate frames
 *  - the same A/A judged on wall time (as a phone's would be), to show what the CPU-time series buys on a shared host
 *  - real A/A sign-offs on vdevices (--real N), a real slow-inference fault (--slow K: a candidate with K dead-work
 *    convolutions) and the wall time per device of the default policy (--default-wall)
 * Prints a table; a benchmark, not a timed test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicy, QUICK_POLICY_PATH, DEFAULT_POLICY_PATH, type SignoffPolicy } from '../src/signoff/policy.ts';
import type { Judgement } from '../src/signoff/judge.ts';
import { NOISE_FIXTURE, recordedUnits } from './signoff-noise.ts';
import { simulateSignoff, noInjection, slower, lowerIoU, type Injection } from './signoff-simulate.ts';

const { values } = parseArgs({ options: {
  sims: { type: 'string', default: '200' }, power: { type: 'string', default: '100' },
  noise: { type: 'string', default: NOISE_FIXTURE }, real: { type: 'string', default: '10' }, suite: { type: 'string' }, 'real-policy': { type: 'string', default: 'quick' }, slow: { type: 'string', default: '2' }, 'default-wall': { type: 'boolean', default: true }, 'no-default-wall': { type: 'boolean', default: false },
} });

// --noise: another host's recorded A/A blocks (signoff-record.ts --fixture), e.g. the shared host's beside a quiet one's.
const units = recordedUnits(values.noise);
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

function batch(n: number, inject: Injection, seed0: number, virtualOnly = true): Judgement[] {
  return Array.from({ length: n }, (_, i) => simulateSignoff(units, policy, seed0 + i, inject, virtualOnly));
}
const seriesOf = (js: Judgement[]) => [...new Set(js.map((j) => j.gates.latency?.cells[0]?.series))].join('/');
const gateVerdicts = (js: Judgement[], gate: string) => js.map((j) => j.gates[gate]?.verdict ?? 'PASS');
const count = (vs: string[], v: string) => vs.filter((x) => x === v).length;

const sims = Number(values.sims), power = Number(values.power);
const aaRow = (label: string, js: Judgement[], t: number) => {
  const overall = js.map((j) => j.overall);
  rows.push([`${label} [${seriesOf(js)}]`, `${js.length} sign-offs × ${serials.length} vdevices`,
    `false FAIL ${pct(count(overall, 'FAIL'), js.length)}; INCONCLUSIVE ${pct(count(overall, 'INCONCLUSIVE'), js.length)}`, '≤ 1% false FAIL', `${((Date.now() - t) / 1000).toFixed(0)} s`]);
};
let t0 = Date.now();
// --sims 0 / --power 0: only the real sections (they can run beside a simulation in another process).
if (sims > 0) {
  aaRow('A/A simulated (recorded noise), units 3–8', batch(sims, noInjection, 1), t0);
  {
    // The default policy's unit counts (≥ 5, and more while undecided) on the same recorded 24-frame blocks.
    t0 = Date.now();
    const wide = { ...policy, minimums: { ...policy.minimums, units: 5 }, budget: { max_units: 12 } };
    aaRow('A/A simulated (recorded noise), units 5–12', Array.from({ length: sims }, (_, i) => simulateSignoff(units, wide, 50_000 + i, noInjection, true)), t0);
  }
  // The same recorded blocks judged on wall time, as a phone's latency is: what the CPU-time series buys on a shared host.
  t0 = Date.now();
  aaRow('A/A simulated, judged on wall time, units 3–8', batch(sims, noInjection, 1, false), t0);
  for (const [label, inject, gate] of [
    ['latency +5% on one device', slower(serials[0]!, 1.05), 'latency'],
    ['latency +10% on one device', slower(serials[0]!, 1.10), 'latency'],
    [`IoU −0.01 in ${commonest}`, lowerIoU(commonest, 0.01), 'iou'],
    [`IoU −0.02 in ${commonest}`, lowerIoU(commonest, 0.02), 'iou'],
  ] as const) {
    t0 = Date.now();
    const js = batch(power, inject, 10_000);
    const vs = gateVerdicts(js, gate);
    rows.push([`power: ${label}${gate === 'latency' ? ` [${seriesOf(js)}]` : ''}`, `${power} sign-offs (recorded frames perturbed)`, `${gate} FAIL ${pct(count(vs, 'FAIL'), power)}; not PASS ${pct(power - count(vs, 'PASS'), power)}`, '≥ 90% FAIL', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
  }
}

const real = Number(values.real);
const slowConvs = Number(values.slow);
if (real > 0 || slowConvs > 0 || (values['default-wall'] && !values['no-default-wall'])) {
  const { startTestFarm } = await import('../test-support/farm.ts');
  const { runSignoff } = await import('../src/signoff/run-signoff.ts');
  const { generateSigningKey, loadSigningKey } = await import('../src/signoff/signing.ts');
  const { RELEASE_MODEL } = await import('../../android-demo/apk/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rio-bench-signoff-'));
  const farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
  generateSigningKey(join(dir, 'key.pem'));
  const key = loadSigningKey(join(dir, 'key.pem'));
  // --real-policy tiny: the e2e specs' policy (smoke suite, ~6-frame blocks, 2–3 units) when the host is too loaded for the quick one.
  const { tinyPolicyText } = await import('../test-support/signoff-tiny-policy.ts');
  const realPolicy = values['real-policy'] === 'tiny' ? join(dir, 'tiny.yaml') : QUICK_POLICY_PATH;
  if (values['real-policy'] === 'tiny') writeFileSync(realPolicy, tinyPolicyText(3));
  // --suite overrides the policy's (as `rio-farm signoff --suite` does): the sign-off suite takes long to build on a loaded host.
  const one = (policyPath: string, i: number, candidate = RELEASE_MODEL) => runSignoff({ candidate, baseline: RELEASE_MODEL, policy: policyPath, devices: farm.serials, suite: values.suite,
    db: `sqlite:${join(dir, 'rio-farm.db')}`, out: join(dir, `out-${i}`), key, vdevices: 0, log: () => undefined });
  try {
    if (real > 0) {
      const verdicts: string[] = [];
      t0 = Date.now();
      const latencies: string[] = [];
      for (let i = 0; i < real; i++) {
        const s = await one(realPolicy, i);
        verdicts.push(s.verdict);
        const c = JSON.parse(readFileSync(s.files.json, 'utf8')).report.gates.latency.cells[0];
        latencies.push(`${c.estimate}[${c.hi}]`);
        process.stderr.write(`real A/A ${i + 1}/${real}: ${s.verdict}, latency ${c.series} ${c.estimate} [${c.lo}, ${c.hi}], ${c.units} units\n`);
      }
      rows.push([`A/A real vdevice sign-offs (${values['real-policy']} policy${values.suite ? `, suite ${values.suite}` : ''})`, `${real} × 1 vdevice`, `FAIL ${count(verdicts, 'FAIL')}/${real}; ${verdicts.join(' ')}`, '0 of 10 FAIL', `${((Date.now() - t0) / 1000 / real).toFixed(0)} s each`]);
      rows.push(['  their latency: estimate[upper]', '', latencies.join(' '), '', '']);
    }
    if (slowConvs > 0) {
      // The slow-inference fault for real: the release model plus dead-work convolutions (same outputs) as candidate.
      const { slowerOnnx } = await import('../src/signoff/slower-model.ts');
      const { convertOnnxToTflite } = await import('../../android-demo/model/converter/convert.ts');
      const slowPath = join(dir, 'slower.tflite');
      writeFileSync(slowPath, convertOnnxToTflite(slowerOnnx(readFileSync(RELEASE_MODEL.replace(/\.tflite$/, '.onnx')), slowConvs)).tflite);
      t0 = Date.now();
      const s = await one(realPolicy, 500, slowPath);
      const rep = JSON.parse(readFileSync(s.files.json, 'utf8')).report;
      const c = rep.gates.latency.cells[0];
      const acc = ['iou', 'detection_rate', 'false_detection_rate', 'crop_success'].map((g) => `${g} ${rep.gates[g]?.verdict ?? '—'}`).join(', ');
      process.stderr.write(`slow fault: ${s.verdict}, latency ${c.series} ${c.estimate} [${c.lo}, ${c.hi}]\n`);
      rows.push([`slow-inference fault, real: release + ${slowConvs} dead-work convs`, `1 sign-off × 1 vdevice, ${values['real-policy']} policy, ${c.units} units`,
        `latency ${rep.gates.latency.verdict} on ${c.series}: ratio ${c.estimate} [${c.lo}, ${c.hi}]; ${acc}; overall ${s.verdict}`, 'latency FAIL', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
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
      process.stderr.write(`default policy: ${minutes.toFixed(1)} min, ${s.verdict}\n`);
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
