/**
 * Two runs side by side per device × lighting. A verdict is given only when both cells have enough
 * frames and the 95% intervals separate; virtual and real cells are never compared.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import { RioError } from '../../../harness/src/errors.ts';
import type { DashRow } from './dash-rows.ts';

/** Fewer latency samples than this and a quantile CI is too wide to call anything. */
const MIN_SAMPLES = 30;

export type Verdict = 'better' | 'worse' | 'no significant change' | 'insufficient data' | 'not comparable';

type Side = Pick<DashRow, 'p50' | 'p50_lo' | 'p50_hi' | 'p90' | 'latency_n' | 'iou_mean' | 'iou_lo' | 'iou_hi' | 'iou_n'> & { virtual: boolean };

export interface CompareCell {
  serial: string; model: string | null; lighting: string; a: Side | null; b: Side | null;
  latency_delta_pct: number | null; iou_delta: number | null; latency_verdict: Verdict; iou_verdict: Verdict;
}

function side(r: DashRow | undefined): Side | null {
  if (!r) return null;
  return { p50: r.p50, p50_lo: r.p50_lo, p50_hi: r.p50_hi, p90: r.p90, latency_n: r.latency_n, iou_mean: r.iou_mean,
    iou_lo: r.iou_lo, iou_hi: r.iou_hi, iou_n: r.iou_n, virtual: Boolean(r.virtual) };
}

/** lowerIsBetter: latency. b is judged against a. */
function verdict(a: Side | null, b: Side | null, lo: 'p50_lo' | 'iou_lo', hi: 'p50_hi' | 'iou_hi', n: 'latency_n' | 'iou_n', lowerIsBetter: boolean): Verdict {
  if (!a || !b) return 'insufficient data';
  if (a.virtual !== b.virtual) return 'not comparable';
  if (a[n] < MIN_SAMPLES || b[n] < MIN_SAMPLES || a[lo] === null || b[lo] === null || a[hi] === null || b[hi] === null) return 'insufficient data';
  if (b[lo]! > a[hi]!) return lowerIsBetter ? 'worse' : 'better';
  if (b[hi]! < a[lo]!) return lowerIsBetter ? 'better' : 'worse';
  return 'no significant change';
}

export async function compareRuns(db: Db, a: string, b: string): Promise<{ a: string; b: string; cells: CompareCell[] }> {
  for (const id of [a, b]) {
    if (!(await db.get('SELECT 1 AS x FROM runs WHERE id = ?', [id]))) throw new RioError('NOT_FOUND', 'no such run', { run: id });
  }
  const rows = await db.all<DashRow & { model: string | null }>(
    `SELECT x.*, d.model FROM dash_run_device x LEFT JOIN devices d ON d.serial = x.serial
      WHERE x.run_id IN (?, ?) ORDER BY x.serial, x.lighting`, [a, b]);
  const cells = new Map<string, { serial: string; model: string | null; lighting: string; a?: DashRow; b?: DashRow }>();
  for (const r of rows) {
    const key = `${r.serial}\u0000${r.lighting}`;
    const cell = cells.get(key) ?? { serial: r.serial, model: r.model, lighting: r.lighting };
    if (r.run_id === a) cell.a = r; else cell.b = r;
    cells.set(key, cell);
  }
  return {
    a, b,
    cells: [...cells.values()].map((c) => {
      const sa = side(c.a), sb = side(c.b);
      return {
        serial: c.serial, model: c.model, lighting: c.lighting, a: sa, b: sb,
        latency_delta_pct: sa?.p50 && sb?.p50 !== null && sb?.p50 !== undefined ? (sb.p50 - sa.p50) / sa.p50 * 100 : null,
        iou_delta: sa?.iou_mean != null && sb?.iou_mean != null ? sb.iou_mean - sa.iou_mean : null,
        latency_verdict: verdict(sa, sb, 'p50_lo', 'p50_hi', 'latency_n', true),
        iou_verdict: verdict(sa, sb, 'iou_lo', 'iou_hi', 'iou_n', false),
      };
    }),
  };
}
