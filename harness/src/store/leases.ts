/** The `leases` table: one exclusive, expiring lease per device serial. */
import type { Db, SqlValue } from './db.ts';
import { insertSql } from './row-sql.ts';

export class LeaseTable {
  declare readonly db: Db;

  /**
   * Takes the device's lease if it is free, expired, or already held by this very holder. A lease of
   * the same run under another holder (a --resume) is taken only through takeOverLease, by a caller
   * who knows that holder is gone. Returns the current holder's row when someone else holds it.
   */
  async acquireLease(serial: string, runId: string, holder: string, ttlMs: number, now = Date.now()):
    Promise<{ ok: true } | { ok: false; heldBy: { run_id: string; holder: string; expires_at: number } }> {
    // One conditional upsert, so two harnesses racing for a device cannot both win (on either database).
    const [sql, vals] = insertSql('leases', { serial, run_id: runId, holder, acquired_at: now, expires_at: now + ttlMs },
      `ON CONFLICT (serial) DO UPDATE SET run_id = excluded.run_id, holder = excluded.holder, acquired_at = excluded.acquired_at,
         expires_at = excluded.expires_at WHERE leases.expires_at <= ? OR (leases.run_id = ? AND leases.holder = ?)`);
    const { changes } = await this.db.run(sql, [...vals, now, runId, holder]);
    if (changes === 1) return { ok: true };
    const heldBy = await this.db.get<{ run_id: string; holder: string; expires_at: number }>('SELECT run_id, holder, expires_at FROM leases WHERE serial = ?', [serial]);
    return { ok: false, heldBy: heldBy ?? { run_id: '?', holder: '?', expires_at: 0 } };
  }
  /** Moves the run's lease from a holder known to be gone to `holder`; false when `from` no longer holds it (compare-and-swap). */
  async takeOverLease(serial: string, runId: string, from: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE leases SET holder = ?, acquired_at = ?, expires_at = ? WHERE serial = ? AND run_id = ? AND holder = ?',
      [holder, now, now + ttlMs, serial, runId, from])).changes === 1;
  }
  /** Extends the lease when `holder` still holds it for the run; false when it was lost (taken over or released). */
  async renewLease(serial: string, runId: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE leases SET expires_at = ? WHERE serial = ? AND run_id = ? AND holder = ?', [now + ttlMs, serial, runId, holder])).changes === 1;
  }
  /** Frees the lease if `holder` (default: any holder of the run) still has it — never one another harness took over. */
  async releaseLease(serial: string, runId: string, holder?: string): Promise<void> {
    if (holder === undefined) await this.db.run('DELETE FROM leases WHERE serial = ? AND run_id = ?', [serial, runId]);
    else await this.db.run('DELETE FROM leases WHERE serial = ? AND run_id = ? AND holder = ?', [serial, runId, holder]);
  }
  listLeases() { return this.db.all<Record<string, SqlValue>>('SELECT * FROM leases ORDER BY serial'); }
}
