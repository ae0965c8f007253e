/** The `devices` table (current fingerprint, quarantine) and `device_fingerprints` (history per serial). */
import { createHash } from 'node:crypto';
import type { Db, SqlValue } from './db.ts';
import { insertSql } from './row-sql.ts';
import { ignoreDuplicates } from './tables.ts';
import type { DeviceFingerprint, DeviceRow } from './rows.ts';

/** The fingerprint id of a device: derived from its serial and fields, so no upload can pick one. */
export function fingerprintId(serial: string, fields: {
  manufacturer: string | null; model: string | null; soc: string | null; abi: string | null; sdk: number | null;
  build_fingerprint: string | null; virtual: number;
}): string {
  const f = { manufacturer: fields.manufacturer, model: fields.model, soc: fields.soc, abi: fields.abi, sdk: fields.sdk,
    build_fingerprint: fields.build_fingerprint, virtual: fields.virtual };
  return createHash('sha256').update(JSON.stringify([serial, f])).digest('hex').slice(0, 32);
}

export class DeviceTables {
  declare readonly db: Db;

  /** Records the device and (if new) its fingerprint; returns the fingerprint id. */
  async recordDevice(fp: DeviceFingerprint, now = Date.now()): Promise<string> {
    const fields = { manufacturer: fp.manufacturer, model: fp.model, soc: fp.soc, abi: fp.abi, sdk: fp.sdk,
      build_fingerprint: fp.build_fingerprint, virtual: fp.virtual ? 1 : 0 };
    const id = fingerprintId(fp.serial, fields);
    await this.db.tx(async (t) => {
      await t.run(...insertSql('device_fingerprints', { id, serial: fp.serial, ...fields, first_seen: now }, ignoreDuplicates('device_fingerprints')));
      await t.run(...insertSql('devices', { serial: fp.serial, fingerprint_id: id, ...fields, first_seen: now, last_seen: now,
        quarantined_until: null, quarantine_reason: null },
      `ON CONFLICT (serial) DO UPDATE SET fingerprint_id = excluded.fingerprint_id, manufacturer = excluded.manufacturer,
        model = excluded.model, soc = excluded.soc, abi = excluded.abi, sdk = excluded.sdk,
        build_fingerprint = excluded.build_fingerprint, virtual = excluded.virtual, last_seen = excluded.last_seen`));
    });
    return id;
  }
  getDevice(serial: string) { return this.db.get<DeviceRow>('SELECT * FROM devices WHERE serial = ?', [serial]); }
  listDevices() { return this.db.all<DeviceRow>('SELECT * FROM devices ORDER BY serial'); }
  fingerprintHistory(serial: string) {
    return this.db.all<Record<string, SqlValue>>('SELECT * FROM device_fingerprints WHERE serial = ? ORDER BY first_seen', [serial]);
  }
  async quarantine(serial: string, until: number, reason: string): Promise<void> {
    await this.db.run('UPDATE devices SET quarantined_until = ?, quarantine_reason = ? WHERE serial = ?', [until, reason, serial]);
  }
}
