/** Per-run results beside the frames: `aggregates` (what reports and nightly read), `device_samples`, `device_events`. */
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';
import type { AggregateRow, DeviceEventRow, DeviceSampleRow } from './rows.ts';

export class AggregateTables {
  declare readonly db: Db;

  async replaceAggregates(runId: string, rows: AggregateRow[]): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM aggregates WHERE run_id = ?', [runId]);
      for (const r of rows) await t.run(...insertSql('aggregates', r));
    });
  }
  aggregates(runId: string) { return this.db.all<AggregateRow>('SELECT * FROM aggregates WHERE run_id = ? ORDER BY serial, scenario_id, lighting', [runId]); }
  async addSample(s: DeviceSampleRow): Promise<void> { await this.db.run(...insertSql('device_samples', s)); }
  samples(runId: string) { return this.db.all<DeviceSampleRow>('SELECT * FROM device_samples WHERE run_id = ? ORDER BY serial, at', [runId]); }
  async addEvent(e: DeviceEventRow): Promise<void> { await this.db.run(...insertSql('device_events', e)); }
  events(runId: string) { return this.db.all<DeviceEventRow>('SELECT * FROM device_events WHERE run_id = ? ORDER BY serial, at', [runId]); }
  /** A device's most recent events across runs (its dashboard page). */
  deviceEvents(serial: string, limit: number) {
    return this.db.all<{ run_id: string; at: number; kind: string; detail: string | null }>(
      'SELECT run_id, at, kind, detail FROM device_events WHERE serial = ? ORDER BY at DESC LIMIT ?', [serial, limit]);
  }
}
