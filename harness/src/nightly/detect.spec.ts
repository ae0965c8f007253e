/**
 * Detection on recorded A/A nights (real vdevice noise from the fixture) with known steps applied:
 * determinism, the insufficient-data state, confirmation, persistence, segment restart, grouping
 * and infra labelling by the reference model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateNights, pooledNights, readAaFixture } from './aa-fixture.ts';
import { AaReplay, shuffledNights, type Injection } from './aa-replay.ts';
import { replayNights } from './replay.ts';
import { buildSeries, seriesId } from './series.ts';
import { describeState, detectNight, DEFAULT_DETECTOR } from './detect.ts';
import { nightAlerts } from './alert-groups.ts';

const fx = readAaFixture();
const nights = candidateNights(pooledNights(fx)); // the first night installed and pushed everything: not like the others
const replay = new AaReplay(nights);
const STEP_AT = 8;
const iouDrop: Injection = { name: 'iou-0.02', at: STEP_AT, scope: () => true, iouShift: -0.02 };
const DEVICE_IOU = (k: { scope: string; metric: string; role: string }) => k.scope === '*' && k.metric === 'iou_mean' && k.role === 'candidate';

function history(inj?: Injection, length = STEP_AT + 6, seed = 1) {
  return replay.history(shuffledNights(nights.length, length, seed), inj);
}

test('the same nights give the same states and alerts whatever order the rows arrive in', () => {
  const h = history(iouDrop, STEP_AT + 2);
  const cells = h.flatMap((n) => n.cells);
  const tonight = new Set(h.at(-1)!.cells.map((c) => c.run_id));
  const ctx = { tonight, segmentStarts: new Map(), confirmations: new Map() };
  const a = detectNight(buildSeries(cells), ctx);
  const b = detectNight(buildSeries([...cells].reverse()), ctx);
  assert.deepEqual([...a].sort(), [...b].sort());
  assert.deepEqual(nightAlerts(a), nightAlerts(b));
  assert.ok(nightAlerts(a).length > 0, 'the step two nights old is an alert');
});

test('fewer than 6 nights before tonight is "insufficient data (N of 6 nights)", never steady or 0', () => {
  const h = history(undefined, 4);
  const out = replayNights(h, () => null);
  const last = out.at(-1)!;
  assert.ok(last.states.size > 30, `${last.states.size} series`);
  for (const [id, s] of last.states) {
    // a vdevice's wall-time, fps and CPU-time median series are shown, never judged, however long they are;
    // its CPU-time floor only over all of its frames
    const [, kind, , scope, metric] = JSON.parse(id) as string[];
    const hostBound = kind === 'virtual' && (['p50', 'p90', 'infer_cpu_p50', 'infer_cpu_p90', 'sustained_fps'].includes(metric!) || (metric === 'infer_cpu_p05' && scope !== '*'));
    assert.equal(describeState(s), hostBound ? 'shown, not judged (vdevice wall time: host load)' : 'insufficient data (3 of 6 nights)', id);
  }
  assert.ok([...last.states].some(([id, s]) => id.includes('"*","infer_cpu_p05"') && s.kind === 'insufficient'), 'the vdevice\'s judged latency series is the floor of its inference CPU time');
  assert.equal(last.alerts.length, 0);
});

test('a −0.02 IoU step is pending on its first night, an alert once the confirmation run confirms it, and never alerts again', () => {
  const out = replayNights(history(iouDrop, STEP_AT + 12), (c, i) => replay.confirm(c, i, iouDrop), DEFAULT_DETECTOR);
  const first = out[STEP_AT]!;
  const device = [...first.alerts].find((a) => DEVICE_IOU(a.step.series));
  assert.ok(device, `device-wide IoU alert on the step's night: ${JSON.stringify([...first.states].filter(([k]) => k.includes('iou_mean')).slice(0, 3))}`);
  assert.equal(device.via, 'confirmation');
  assert.equal(device.step.direction, 'regression');
  assert.ok(device.step.change_run_id.endsWith(`#${STEP_AT}`), 'located on the step night');
  assert.ok(Math.abs(device.step.after - device.step.before + 0.02) < 0.005, `${device.step.before} → ${device.step.after}`);
  // Segment restart: the series' later nights are inside the new segment, so the step is never alerted again.
  const id = seriesId(device.step.series);
  for (const n of out.slice(STEP_AT + 1)) {
    assert.notEqual(n.states.get(id)?.kind, 'alert', `no repeat on ${n.key}`);
    assert.ok(n.alerts.every((a) => a.group === device.group || !a.step.change_run_id.endsWith(`#${STEP_AT}`)), 'later series join the first group');
  }
  // Grouping: every series that stepped that night is in one group (night × build × direction).
  assert.equal(new Set(first.alerts.filter((a) => a.step.direction === 'regression').map((a) => a.group)).size, 1);
});

test('a refuted confirmation leaves the step "not confirmed"; a second night makes it an alert by persistence', () => {
  const out = replayNights(history(iouDrop, STEP_AT + 2), () => false, DEFAULT_DETECTOR);
  const id = [...out[STEP_AT]!.states.keys()].find((k) => { const [, , role, scope, metric] = JSON.parse(k); return DEVICE_IOU({ role, scope, metric }); })!;
  assert.equal(out[STEP_AT]!.states.get(id)!.kind, 'not confirmed');
  assert.equal(out[STEP_AT]!.alerts.filter((a) => DEVICE_IOU(a.step.series)).length, 0);
  const second = out[STEP_AT + 1]!.states.get(id)!;
  assert.equal(second.kind, 'alert');
  assert.ok(second.kind === 'alert' && second.via === 'persistence' && second.step.change_run_id.endsWith(`#${STEP_AT}`));
});

test('when the reference model steps on the same device the same night, the alerts are one infra group', () => {
  // Both models slowed by the farm: the reference series carry the same step as the candidate's.
  const h = history(iouDrop, STEP_AT + 1).map((n) => ({ ...n, cells: [...n.cells,
    ...n.cells.map((c) => ({ ...c, role: 'reference' as const, run_id: `${c.run_id}/ref`, build: 'reference' }))] }));
  const out = replayNights(h, () => true, DEFAULT_DETECTOR);
  const alerts = out[STEP_AT]!.alerts;
  assert.ok(alerts.length > 0);
  assert.ok(alerts.every((a) => a.label === 'infra'), JSON.stringify(alerts.map((a) => a.label)));
  assert.equal(new Set(alerts.map((a) => a.group)).size, 1, 'one infra group, not dozens of alerts');
  // The reference's speed moving (host load) does not explain the candidate's accuracy step.
  const slowRef = history(iouDrop, STEP_AT + 1).map((n, i) => ({ ...n, cells: [...n.cells,
    ...n.cells.map((c) => ({ ...c, role: 'reference' as const, run_id: `${c.run_id}/ref`, build: 'reference',
      // the reference keeps its IoU (the drop undone) and its CPU time jumps by half on the step night
      values: i < STEP_AT ? c.values : { ...c.values, iou_mean: c.values.iou_mean && { value: c.values.iou_mean.value! + 0.02, lo: null, hi: null },
        infer_cpu_p50: c.values.infer_cpu_p50 && { value: c.values.infer_cpu_p50.value! * 1.5, lo: null, hi: null } } }))] }));
  const mixed = replayNights(slowRef, () => true, DEFAULT_DETECTOR)[STEP_AT]!.alerts;
  assert.ok(mixed.some((a) => a.step.series.metric === 'iou_mean' && a.step.series.role === 'candidate' && a.label === 'regression'),
    JSON.stringify(mixed.map((a) => [a.step.series.role, a.step.series.metric, a.label])));
  // The control: the same step on the candidate alone is a regression, not infra.
  const alone = replayNights(history(iouDrop, STEP_AT + 1), () => true, DEFAULT_DETECTOR)[STEP_AT]!.alerts;
  assert.ok(alone.some((a) => a.label === 'regression') && alone.every((a) => a.label !== 'infra'));
});

test('a candidate\'s step carries reference_moved when the reference\'s same series stepped the same way that night, not another way or not at all', () => {
  const slower: Injection = { name: 'slower', at: STEP_AT, scope: () => true, latencyFactor: 1.10 };
  // The reference's runs: the candidate's nights without the build's step, the floor scaled by `factor` from the step night on.
  const withReference = (factor: number) => history(slower, STEP_AT + 1, 3).map((n, i) => ({ ...n, cells: [...n.cells,
    ...n.cells.map((c) => ({ ...c, role: 'reference' as const, run_id: `${c.run_id}/ref`, build: 'reference',
      values: { ...c.values, infer_cpu_p05: c.values.infer_cpu_p05 && { value: c.values.infer_cpu_p05.value! * (i < STEP_AT ? 1 : factor / 1.10), lo: null, hi: null } } }))] }));
  const floorStep = (factor: number) => {
    const states = replayNights(withReference(factor), () => null, DEFAULT_DETECTOR).at(-1)!.states;
    const s = [...states].find(([id]) => id.includes('"candidate","*","infer_cpu_p05"'))?.[1];
    assert.ok(s && 'step' in s && s.step.direction === 'regression', `the candidate's floor steps: ${JSON.stringify(s)}`);
    return s.step;
  };
  assert.equal(floorStep(1.08).reference_moved, true, 'the reference slowed the same night: the farm changed');
  assert.equal(floorStep(1).reference_moved, false, 'the reference stayed: the build changed');
  assert.equal(floorStep(0.92).reference_moved, false, 'the reference got faster: no explanation of a slower candidate');
});
