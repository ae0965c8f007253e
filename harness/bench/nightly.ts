/**
 * `npm run bench:nightly`: how far nightly detection and compare can be trusted, measured on the
 * recorded A/A nights (harness/src/nightly/fixtures/aa-nights.json.gz, `record-aa.ts`) — never on
 * invented noise. Prints compare's A/A verdict rates (the frame bootstrap before issue 20, blocks,
 * blocks + history), then detection's A/A alert rates and its power on injected steps.
 */
import { parseArgs } from 'node:util';
import { AA_FIXTURE, candidateNights, pooledNights, readAaFixture, type AaNight } from '../src/nightly/aa-fixture.ts';
import { aaCompareRates, aaFrameBootstrapRates, rate } from '../src/nightly/aa-verdicts.ts';
import { AaReplay, shuffledNights, type Injection } from '../src/nightly/aa-replay.ts';
import { replayNights, type ReplayedNight } from '../src/nightly/replay.ts';
import { DEFAULT_DETECTOR } from '../src/nightly/detect.ts';
import { stableLatency } from '../src/nightly/series.ts';

/** Nights judged per A/A history (the unit: alert groups per 30 nights). */
const JUDGED_NIGHTS = 30;
const AA_HISTORIES = Number(process.env.RIO_BENCH_AA ?? 10);
const TRIALS = Number(process.env.RIO_BENCH_TRIALS ?? 90);

// --fixture: another host's recorded nights (record-aa.ts --fixture), e.g. a dedicated host's beside the shared one's.
const { values: args } = parseArgs({ options: { fixture: { type: 'string' } } });
const fx = readAaFixture(args.fixture ?? AA_FIXTURE);
// Each device's first recorded night installed the APK and pushed every frame onto a fresh vdevice: not a nightly like the others.
const recorded = pooledNights(fx);
const nights = candidateNights(recorded);
/** The same nights as if the app had no thread clock: compare judges wall time (the rule before item 6). */
const wallOnly = (ns: readonly AaNight[]): AaNight[] => ns.map((n) => ({ ...n, frames: { ...n.frames, t_infer_cpu: undefined } }));
const minBefore = DEFAULT_DETECTOR.minBefore;
process.stdout.write(`recorded A/A nights: ${nights.length} (${fx.recorded_with}; each device's first night dropped: cold install; pooled as one device's nights)\n\n`);

// 1. compare on consecutive same-build pairs
const before = aaFrameBootstrapRates(nights);
const blocks = aaCompareRates(nights, 0);
const hist = aaCompareRates(nights, 10);
// Pairs with a full 10-night history only (the steady state of a farm that runs nightly).
const FULL = 11;
const beforeFull = aaFrameBootstrapRates(nights, FULL), histFull = aaCompareRates(nights, 10, FULL);
const wallFull = aaCompareRates(wallOnly(nights), 10, FULL);
const table = (head: string[], rows: string[][]) => {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
};
process.stdout.write('compare, consecutive same-build pairs (goal: ≤ 5% of cells with a verdict, ≤ 1% of --fail-on-worse pairs fail)\n');
process.stdout.write(table(['rule', 'cells with a verdict', '--fail-on-worse pairs failing', 'insufficient cells'], [
  ['frames bootstrapped one by one (before)', rate(before.verdictCells, before.cells), rate(before.failedPairs, before.pairs), String(before.insufficientCells)],
  ['blocks of 10 frames, paired', rate(blocks.verdictCells, blocks.cells), rate(blocks.failedPairs, blocks.pairs), String(blocks.insufficientCells)],
  ['blocks + between-run spread of ≤ 10 earlier nights', rate(hist.verdictCells, hist.cells), rate(hist.failedPairs, hist.pairs), String(hist.insufficientCells)],
  ['frames, pairs with 10 earlier nights (before)', rate(beforeFull.verdictCells, beforeFull.cells), rate(beforeFull.failedPairs, beforeFull.pairs), String(beforeFull.insufficientCells)],
  ['blocks + 10-night spread, wall latency, same pairs', rate(wallFull.verdictCells, wallFull.cells), rate(wallFull.failedPairs, wallFull.pairs), String(wallFull.insufficientCells)],
  ['blocks + 10-night spread, same pairs (after)', rate(histFull.verdictCells, histFull.cells), rate(histFull.failedPairs, histFull.pairs), String(histFull.insufficientCells)],
  ['  of which latency (inference CPU) / IoU cells', `${rate(histFull.latencyVerdicts, histFull.cells)} / ${rate(histFull.iouVerdicts, histFull.cells)}`, '', ''],
]) + '\n');

// 2. detection, A/A
const replay = new AaReplay(nights);
let groups = 0, falseAlerts = 0, seriesNights = 0, insufficient = 0, confirmations = 0, hostBoundNights = 0;
for (let h = 0; h < AA_HISTORIES; h++) {
  const order = shuffledNights(nights.length, minBefore + JUDGED_NIGHTS, 1000 + h);
  const out = replayNights(replay.history(order), (c, i) => replay.confirm(c, i), DEFAULT_DETECTOR, minBefore);
  const seenGroups = new Set<string>();
  for (const n of out) {
    for (const a of n.alerts) seenGroups.add(a.group);
    falseAlerts += n.alerts.length;
    confirmations += n.confirmations;
    for (const s of n.states.values()) {
      if (s.kind === 'insufficient') insufficient++;
      else if (s.kind === 'host-bound') hostBoundNights++;
      else seriesNights++;
    }
  }
  groups += seenGroups.size;
}

// 3. power on injected steps
interface Power { name: string; goal: string; found: number; trials: number; exact: number; near: number; repeats: number; infra: number; nightsToFind: number[] }
const everyScope = () => true;
const kinds: { name: string; goal: string; metric: 'p50' | 'iou_mean'; within: number; inj: Omit<Injection, 'at' | 'name'> }[] = [
  { name: 'p50 +5% (device)', goal: '≥ 95% within 2 nights', metric: 'p50', within: 2, inj: { scope: everyScope, latencyFactor: 1.05 } },
  { name: 'p50 +10% (device)', goal: 'first night + confirmation', metric: 'p50', within: 1, inj: { scope: everyScope, latencyFactor: 1.10 } },
  { name: 'IoU −0.02 (device)', goal: '≥ 90% within 2 nights', metric: 'iou_mean', within: 2, inj: { scope: everyScope, iouShift: -0.02 } },
  { name: 'IoU −0.02 (one lighting)', goal: '(no goal; one cell)', metric: 'iou_mean', within: 2, inj: { scope: (s) => s === 'lighting:backlit', iouShift: -0.02 } },
];
const powers: Power[] = [];
for (const k of kinds) {
  const p: Power = { name: k.name, goal: k.goal, found: 0, trials: 0, exact: 0, near: 0, repeats: 0, infra: 0, nightsToFind: [] };
  for (let t = 0; t < TRIALS; t++) {
    const at = minBefore + 2 + (t % 9); // 8…16 nights before the step
    const inj: Injection = { ...k.inj, name: k.name, at }; // the name keys the confirmation cache: same step, same compare
    const order = shuffledNights(nights.length, at + JUDGED_NIGHTS, 5000 + t);
    const out = replayNights(replay.history(order, inj), (c, i) => replay.confirm(c, i, inj), DEFAULT_DETECTOR, minBefore);
    // a latency step is carried by the device's stable latency series: thread CPU time on a vdevice
    const carrier = (virtual: boolean) => (k.metric === 'iou_mean' ? 'iou_mean' : stableLatency(virtual, k.metric));
    const hits = (n: ReplayedNight) => n.alerts.filter((a) => a.step.series.metric === carrier(a.step.series.virtual) && a.step.direction === 'regression'
      && inj.scope(a.step.series.scope));
    // One event = one alert group; a later night adding series to that group is not a repeat.
    const seen = new Set<string>();
    const alertNights = out.map((n, i) => ({ i: i + minBefore, hits: hits(n) })).filter((x) => x.i >= at - 1)
      .map((x) => ({ ...x, hits: x.hits.filter((a) => !seen.has(a.group) && (seen.add(a.group), true)) })).filter((x) => x.hits.length > 0);
    p.trials++;
    const first = alertNights[0];
    if (!first) continue;
    const delay = first.i - at + 1; // 1 = found on the step's own night
    p.nightsToFind.push(delay);
    if (delay <= k.within) p.found++;
    const pos = Math.min(...first.hits.map((a) => Number(a.step.change_run_id.split('#')[1])));
    if (pos === at) p.exact++;
    if (Math.abs(pos - at) <= 1) p.near++;
    if (first.hits.some((a) => a.label === 'infra')) p.infra++; // the build's own step blamed on the farm
    p.repeats += alertNights.length - 1;
  }
  powers.push(p);
}

process.stdout.write(`nightly detection (${DEFAULT_DETECTOR.name}), recorded noise replayed\n`);
const pct = (n: number, d: number) => (d ? `${(100 * n / d).toFixed(1)}%` : '—');
process.stdout.write(table(['A/A measure', 'value', 'goal'], [
  ['alert groups per 30 nights (farm: 1 vdevice)', (groups / AA_HISTORIES).toFixed(2), '≤ 1'],
  ['false alerts per series-night', `${falseAlerts}/${seriesNights} (${pct(falseAlerts, seriesNights)})`, '≤ 0.1%'],
  ['series-nights in "insufficient data"', String(insufficient), 'shown as such'],
  ['vdevice wall-time/fps series-nights shown, not judged', String(hostBoundNights), ''],
  ['confirmation runs asked', String(confirmations), ''],
]) + '\n');
process.stdout.write(table(['injected step', 'found in time', 'goal', 'location exact', 'within ±1', 'repeat alerts / event', 'labelled infra', 'median nights to find'],
  powers.map((p) => {
    const sorted = [...p.nightsToFind].sort((a, b) => a - b);
    return [p.name, `${p.found}/${p.trials} (${pct(p.found, p.trials)})`, p.goal, pct(p.exact, p.nightsToFind.length), pct(p.near, p.nightsToFind.length),
      p.nightsToFind.length ? (p.repeats / p.nightsToFind.length).toFixed(2) : '—', pct(p.infra, p.nightsToFind.length), sorted.length ? String(sorted[Math.floor(sorted.length / 2)]) : '—'];
  })) + '\n');
process.stdout.write('goals: location exact ≥ 90%, ±1 ≥ 99%, repeat alerts per event ≤ 1; a step of the build alone is not labelled infra\n');

// 4. with the control: nights recorded with the reference model's run right after (same host state)
{
  const paired = recorded.filter((n) => n.reference);
  const rr = new AaReplay(paired);
  const count = (out: ReplayedNight[], from = 0) => {
    const by = { regression: new Set<string>(), improvement: new Set<string>(), infra: new Set<string>() };
    out.slice(from).forEach((n) => n.alerts.forEach((a) => by[a.label].add(a.group)));
    return by;
  };
  let reg = 0, imp = 0, infra = 0;
  for (let h = 0; h < AA_HISTORIES; h++) {
    const c = count(replayNights(rr.history(shuffledNights(paired.length, minBefore + JUDGED_NIGHTS, 7000 + h)), (x, i) => rr.confirm(x, i), DEFAULT_DETECTOR, minBefore));
    reg += c.regression.size; imp += c.improvement.size; infra += c.infra.size;
  }
  let farmInfra = 0, farmReg = 0, farmTrials = 0;
  for (let t = 0; t < TRIALS; t++) {
    const at = minBefore + 2 + (t % 9);
    const inj: Injection = { name: 'farm +10%', at, scope: everyScope, latencyFactor: 1.10, roles: ['candidate', 'reference'] };
    const out = replayNights(rr.history(shuffledNights(paired.length, at + 2, 9000 + t), inj), (x, i) => rr.confirm(x, i, inj), DEFAULT_DETECTOR, minBefore);
    const c = count(out, at - minBefore);
    farmTrials++; farmInfra += c.infra.size; farmReg += c.regression.size;
  }
  process.stdout.write(`\nwith the reference-model control (${paired.length} recorded nights, each with a reference run right after)\n`);
  process.stdout.write(table(['measure', 'value', 'goal'], [
    ['A/A regression alert groups per 30 nights', (reg / AA_HISTORIES).toFixed(2), '≤ 1'],
    ['A/A improvement alert groups per 30 nights', (imp / AA_HISTORIES).toFixed(2), ''],
    ['A/A infra alert groups per 30 nights (host load seen by both models)', (infra / AA_HISTORIES).toFixed(2), ''],
    ['farm-wide +10% latency (both models): infra / regression groups per event, first 2 nights', `${(farmInfra / farmTrials).toFixed(2)} / ${(farmReg / farmTrials).toFixed(2)}`, 'one infra group, no regression'],
  ]));
}
