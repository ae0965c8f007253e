/**
 * What each device must run. By default every device runs the whole suite (per-device dashboards
 * need it); with --shard the scenarios are split across devices of the same model, longest first
 * onto the least-loaded device (frame count stands in for duration).
 */
import type { WorkItemRow } from '../store/rows.ts';

export interface PlanScenario { id: string; truthSha256: string; frames: number }
export interface PlanDevice { serial: string; group: string }

export function planWork(runId: string, scenarios: readonly PlanScenario[], devices: readonly PlanDevice[], repeat: number, shard: boolean): WorkItemRow[] {
  const jobs = scenarios.flatMap((s) => Array.from({ length: repeat }, (_, r) => ({ s, r })));
  const out: WorkItemRow[] = [];
  const item = (slot: string, s: PlanScenario, r: number): WorkItemRow => ({
    id: `${runId}/${slot}/${s.id}/${r}`, run_id: runId, slot_serial: slot, scenario_id: s.id, truth_sha256: s.truthSha256,
    repeat_index: r, seq: 0, status: 'pending', done_attempt_id: null,
  });
  if (!shard) {
    for (const d of devices) for (const { s, r } of jobs) out.push(item(d.serial, s, r));
  } else {
    const groups = new Map<string, PlanDevice[]>();
    for (const d of devices) groups.set(d.group, [...(groups.get(d.group) ?? []), d]);
    for (const members of groups.values()) {
      const load = new Map(members.map((d) => [d.serial, 0]));
      for (const { s, r } of [...jobs].sort((a, b) => b.s.frames - a.s.frames || a.s.id.localeCompare(b.s.id))) {
        const [serial] = [...load].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]!;
        load.set(serial, load.get(serial)! + s.frames);
        out.push(item(serial, s, r));
      }
    }
  }
  // Interleave by scenario order so all devices progress through the suite together.
  const order = new Map(scenarios.map((s, i) => [s.id, i]));
  out.sort((a, b) => (order.get(a.scenario_id)! - order.get(b.scenario_id)!) || a.repeat_index - b.repeat_index || a.slot_serial.localeCompare(b.slot_serial));
  out.forEach((it, i) => { it.seq = i; });
  return out;
}
