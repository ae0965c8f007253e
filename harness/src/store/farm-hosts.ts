/**
 * Farm hosts (`farm_hosts`: one hashed token per host, issued and revoked by `rio-farm host`), the
 * devices each host last reported (`farm_host_devices`) and per-device failure streaks and
 * quarantines (`farm_devices`).
 */
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';

export interface FarmHostRow {
  name: string; token_sha256: string; issued_at: number; revoked_at: number | null;
  registered_at: number | null; last_heartbeat: number | null; address: string | null;
}
export interface FarmHostDeviceRow { host: string; serial: string; model: string; virtual: number; seen_at: number }
export interface FarmDeviceRow { serial: string; failure_streak: number; quarantined_at: number | null; quarantine_reason: string | null }

export class FarmHostTables {
  declare readonly db: Db;

  /** Issues (or re-issues, replacing the old one) a host's token hash. */
  async issueHostToken(name: string, tokenSha256: string, now = Date.now()): Promise<void> {
    await this.db.run(...insertSql('farm_hosts', { name, token_sha256: tokenSha256, issued_at: now, revoked_at: null },
      'ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256, issued_at = excluded.issued_at, revoked_at = NULL'));
  }
  /** Revokes the host's token; false when no such host. */
  async revokeHostToken(name: string, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE farm_hosts SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL', [now, name])).changes === 1;
  }
  /** The host whose unrevoked token has this hash. */
  hostByTokenHash(tokenSha256: string) {
    return this.db.get<FarmHostRow>('SELECT * FROM farm_hosts WHERE token_sha256 = ? AND revoked_at IS NULL', [tokenSha256]);
  }
  listHosts() { return this.db.all<FarmHostRow>('SELECT * FROM farm_hosts ORDER BY name'); }

  /** A heartbeat: the host is alive and sees exactly these devices now (the ones it no longer sees are dropped). */
  async recordHeartbeat(host: string, address: string, devices: readonly Omit<FarmHostDeviceRow, 'host' | 'seen_at'>[], now = Date.now()): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('UPDATE farm_hosts SET last_heartbeat = ?, address = ?, registered_at = COALESCE(registered_at, ?) WHERE name = ?', [now, address, now, host]);
      await t.run('DELETE FROM farm_host_devices WHERE host = ?', [host]);
      for (const d of devices) await t.run(...insertSql('farm_host_devices', { host, ...d, seen_at: now }));
    });
  }
  hostDevices() { return this.db.all<FarmHostDeviceRow>('SELECT * FROM farm_host_devices ORDER BY host, serial'); }
  farmDevices() { return this.db.all<FarmDeviceRow>('SELECT * FROM farm_devices ORDER BY serial'); }
  /** Serials among `serials` that are quarantined. */
  async quarantinedSerials(serials: readonly string[]): Promise<Set<string>> {
    if (serials.length === 0) return new Set();
    const rows = await this.db.all<{ serial: string }>(
      `SELECT serial FROM farm_devices WHERE quarantined_at IS NOT NULL AND serial IN (${serials.map(() => '?').join(', ')})`, [...serials]);
    return new Set(rows.map((r) => r.serial));
  }
  /** Lifts a device's quarantine and resets its streak (an operator fixed the phone). */
  async releaseQuarantine(serial: string): Promise<boolean> {
    return (await this.db.run('UPDATE farm_devices SET failure_streak = 0, quarantined_at = NULL, quarantine_reason = NULL WHERE serial = ?', [serial])).changes === 1;
  }
}

/**
 * One more outcome for a device, inside transaction `t`: an infrastructure failure lengthens its
 * streak (quarantined at `quarantineAfter` in a row), anything else ends it. True when it was just quarantined.
 */
export async function recordDeviceOutcome(t: Db, serial: string, infraFailure: boolean, reason: string, quarantineAfter: number, now: number): Promise<boolean> {
  await t.run(...insertSql('farm_devices', { serial, failure_streak: 0 }, 'ON CONFLICT (serial) DO NOTHING'));
  if (!infraFailure) {
    await t.run('UPDATE farm_devices SET failure_streak = 0 WHERE serial = ?', [serial]);
    return false;
  }
  await t.run('UPDATE farm_devices SET failure_streak = failure_streak + 1 WHERE serial = ?', [serial]);
  const { changes } = await t.run('UPDATE farm_devices SET quarantined_at = ?, quarantine_reason = ? WHERE serial = ? AND failure_streak >= ? AND quarantined_at IS NULL',
    [now, reason, serial, quarantineAfter]);
  return changes === 1;
}
