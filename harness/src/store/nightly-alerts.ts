/**
 * Nightly alerts and confirmations in the store (migration 090), through the store's query layer:
 * column names from tables.ts, values bound. Triage sets a status with who, when and why.
 */
import { RioError } from '../errors.ts';
import type { Store } from './index.ts';
import { insertSql, updateSql } from './row-sql.ts';
import { ignoreDuplicates } from './tables.ts';
import type { NightAlert } from '../nightly/alert-groups.ts';
import type { DetectorSettings } from '../nightly/detect.ts';
import { seriesId, type ModelRole, type SeriesMetric } from '../nightly/series.ts';

export const ALERT_STATUSES = ['untriaged', 'acknowledged', 'invalid', 'infra', 'improvement', 'fixed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertRow {
  id: string; group_key: string; found_run_id: string; found_at: number;
  serial: string; virtual: number; role: ModelRole; scope: string; metric: SeriesMetric;
  change_run_id: string; previous_run_id: string; change_at: number; build_before: string; build_after: string;
  before_value: number; after_value: number; p: number;
  direction: 'regression' | 'improvement'; label: 'regression' | 'improvement' | 'infra'; via: 'confirmation' | 'persistence';
  detector: string; status: AlertStatus; triaged_by: string | null; triaged_at: number | null; triage_note: string | null;
}

export function alertRow(a: NightAlert, foundRun: string, foundAt: number, detector: DetectorSettings): AlertRow {
  const c = a.step;
  return {
    id: a.id, group_key: a.group, found_run_id: foundRun, found_at: foundAt,
    serial: c.series.serial, virtual: c.series.virtual ? 1 : 0, role: c.series.role, scope: c.series.scope, metric: c.series.metric,
    change_run_id: c.change_run_id, previous_run_id: c.previous_run_id, change_at: c.change_at, build_before: c.build_before, build_after: c.build_after,
    before_value: c.before, after_value: c.after, p: c.p, direction: c.direction, label: a.label, via: a.via, detector: detector.name,
    status: 'untriaged', triaged_by: null, triaged_at: null, triage_note: null,
  };
}

/** Stores new alerts; an alert already stored (same series and step) keeps its row and its triage. */
export async function saveAlerts(store: Store, rows: readonly AlertRow[]): Promise<number> {
  let added = 0;
  await store.db.tx(async (t) => {
    for (const r of rows) added += (await t.run(...insertSql('nightly_alerts', r, ignoreDuplicates('nightly_alerts')))).changes;
  });
  return added;
}

export interface AlertQuery { status?: AlertStatus; serial?: string; limit: number; offset: number }

export async function listAlerts(store: Store, q: AlertQuery): Promise<AlertRow[]> {
  const where: string[] = [], args: (string | number)[] = [];
  if (q.status) { where.push('status = ?'); args.push(q.status); }
  if (q.serial) { where.push('serial = ?'); args.push(q.serial); }
  return store.db.all<AlertRow>(`SELECT * FROM nightly_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY change_at DESC, group_key, id LIMIT ? OFFSET ?`, [...args, q.limit, q.offset]);
}

export async function getAlert(store: Store, id: string): Promise<AlertRow | undefined> {
  return store.db.get<AlertRow>('SELECT * FROM nightly_alerts WHERE id = ?', [id]);
}

export async function triageAlert(store: Store, id: string, t: { status: AlertStatus; by: string; note: string | null }, now = Date.now()): Promise<AlertRow> {
  const sql = updateSql('nightly_alerts', { status: t.status, triaged_by: t.by, triaged_at: now, triage_note: t.note }, 'id = ?', [id])!;
  const { changes } = await store.db.run(...sql);
  if (!changes) throw new RioError('NOT_FOUND', 'no such alert', { alert: id });
  return (await getAlert(store, id))!;
}

/** Per series id, the run that starts its current segment: the change night of its latest alert. */
export async function segmentStarts(store: Store): Promise<Map<string, string>> {
  const rows = await store.db.all<AlertRow>('SELECT * FROM nightly_alerts ORDER BY change_at, id');
  return new Map(rows.map((r) => [seriesId({ serial: r.serial, virtual: Boolean(r.virtual), role: r.role, scope: r.scope, metric: r.metric }), r.change_run_id]));
}

export async function saveConfirmation(store: Store, candidateId: string, confirmed: boolean, runIds: string[], now = Date.now()): Promise<void> {
  await store.db.run(...insertSql('nightly_confirmations', { candidate_id: candidateId, confirmed: confirmed ? 1 : 0, run_ids: JSON.stringify(runIds), decided_at: now },
    ignoreDuplicates('nightly_confirmations')));
}

export async function confirmations(store: Store): Promise<Map<string, boolean>> {
  const rows = await store.db.all<{ candidate_id: string; confirmed: number }>('SELECT candidate_id, confirmed FROM nightly_confirmations');
  return new Map(rows.map((r) => [r.candidate_id, Number(r.confirmed) === 1]));
}

/**
 * Triage outcomes per detector setting. Precision: triaged alerts that marked a real change (acknowledged,
 * fixed, improvement, infra — everything but invalid) over all triaged. Recall needs the changes no alert
 * found, which triage cannot see: `bench:nightly` measures it by injection.
 */
export async function triagePrecision(store: Store): Promise<{ detector: string; alerts: number; triaged: number; true_alerts: number; precision: number | null }[]> {
  const rows = await store.db.all<{ detector: string; status: string; n: number }>(
    'SELECT detector, status, COUNT(*) AS n FROM nightly_alerts GROUP BY detector, status ORDER BY detector, status');
  const by = new Map<string, { alerts: number; triaged: number; true_alerts: number }>();
  for (const r of rows) {
    const d = by.get(r.detector) ?? { alerts: 0, triaged: 0, true_alerts: 0 };
    const n = Number(r.n);
    d.alerts += n;
    if (r.status !== 'untriaged') d.triaged += n;
    if (r.status !== 'untriaged' && r.status !== 'invalid') d.true_alerts += n;
    by.set(r.detector, d);
  }
  return [...by].map(([detector, d]) => ({ detector, ...d, precision: d.triaged ? d.true_alerts / d.triaged : null }));
}
