/** The night's outcome as terminal text: alerts by group, then how many series were in each state. */
import type { NightAlert } from './alert-groups.ts';
import { stateCounts, type StoredNight } from './stored-night.ts';

const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));

export function nightlyTable(night: StoredNight): string {
  const lines: string[] = [];
  const groups = new Map<string, NightAlert[]>();
  for (const a of night.alerts) groups.set(a.group, [...groups.get(a.group) ?? [], a]);
  if (groups.size === 0) lines.push('no alerts tonight');
  for (const [g, alerts] of groups) {
    const [date, what] = JSON.parse(g) as string[];
    lines.push(`alert group ${date} ${what === 'infra' ? 'INFRA (the reference model moved too)' : `build ${what!.slice(0, 12)} ${alerts[0]!.label}`}: ${alerts.length} series`);
    for (const a of alerts) {
      const c = a.step;
      lines.push(`  ${c.series.serial} ${c.series.virtual ? '(virtual)' : '(real)'} ${c.series.role} ${c.series.scope} ${c.series.metric}: `
        + `${fmt(c.before)} → ${fmt(c.after)}  p=${c.p.toExponential(1)}  step night ${c.change_run_id} (${a.via})`);
    }
  }
  if (night.pending.length) lines.push(`pending (confirmation could not tell; alerts if it persists a second night): ${night.pending.length} series`);
  const counts = Object.entries(stateCounts(night.states)).sort(([a], [b]) => (a < b ? -1 : 1));
  lines.push(`series: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  return lines.join('\n');
}
