/**
 * The rio-farm store: runs, devices (with fingerprint history), leases, scenarios and frames,
 * work items and attempts with evidence, per-frame measurements, aggregates, device samples/events,
 * dashboard summaries and uploads. `openStore(url)` opens SQLite (`sqlite:PATH`) or PostgreSQL
 * (`postgres://…[?schema=S]`) and migrates. Every write to these tables goes through this folder:
 * one module per table group, composed here into `Store`, so callers keep `store.createRun(…)`.
 */
import { openDb, type Db, type DbOptions } from './db.ts';
import { migrate } from './migrate.ts';
import { insertMany } from './row-sql.ts';
import { RunTables } from './runs.ts';
import { DeviceTables } from './devices.ts';
import { LeaseTable } from './leases.ts';
import { WorkTables } from './work.ts';
import { AggregateTables } from './aggregates.ts';
import { DashboardTables } from './dashboards.ts';
import { FarmHostTables } from './farm-hosts.ts';
import { FarmJobTables } from './farm-jobs.ts';
import { CompareSummaryTables } from './compare-summaries.ts';
import type { TableName } from './tables.ts';

export type * from './rows.ts';
export type { TableName } from './tables.ts';
export type { SummaryFrame } from './work.ts';
export { redact } from './db.ts';
export { fingerprintId } from './devices.ts';
export type * from './farm-hosts.ts';
export type * from './farm-jobs.ts';

export const DEFAULT_DB_URL = 'sqlite:.rio-farm/rio-farm.db';

export async function openStore(url: string = DEFAULT_DB_URL, opts: DbOptions = {}): Promise<Store> {
  const db = await openDb(url, opts);
  await migrate(db);
  return new Store(db);
}

/** The table groups Store is made of (each a class whose methods use only `this.db`). */
const GROUPS = [RunTables, DeviceTables, LeaseTable, WorkTables, AggregateTables, DashboardTables, FarmHostTables, FarmJobTables, CompareSummaryTables];

export interface Store extends RunTables, DeviceTables, LeaseTable, WorkTables, AggregateTables, DashboardTables, FarmHostTables, FarmJobTables, CompareSummaryTables {}
export class Store {
  constructor(readonly db: Db) {}
  get kind() { return this.db.kind; }
  close() { return this.db.close(); }
  /** Inserts rows of one table inside transaction `t`, keeping rows already there (run import). */
  insertMany(t: Db, table: TableName, rows: readonly object[], o: { replace?: boolean } = {}): Promise<void> { return insertMany(t, table, rows, o); }
}
for (const group of GROUPS) {
  for (const name of Object.getOwnPropertyNames(group.prototype)) {
    if (name === 'constructor') continue;
    if (Object.hasOwn(Store.prototype, name)) throw new Error(`store method ${name} defined by two table groups`);
    Object.defineProperty(Store.prototype, name, Object.getOwnPropertyDescriptor(group.prototype, name)!);
  }
}
