/** Devices with their fingerprint history. */
import type { Db } from '../../../harness/src/store/db.ts';
import type { DeviceRow } from '../../../harness/src/store/rows.ts';
import { RioError } from '../../../harness/src/errors.ts';

export interface FingerprintOut {
  id: string; manufacturer: string | null; model: string | null; soc: string | null; abi: string | null;
  sdk: number | null; build_fingerprint: string | null; virtual: boolean; first_seen: number;
}

export interface DeviceOut extends Omit<DeviceRow, 'virtual'> {
  virtual: boolean;
  fingerprints: FingerprintOut[];
}

function deviceOut(d: DeviceRow, fps: (FingerprintOut & { serial: string; virtual: unknown })[]): DeviceOut {
  return {
    ...d, virtual: Boolean(d.virtual), first_seen: Number(d.first_seen), last_seen: Number(d.last_seen),
    fingerprints: fps.filter((f) => f.serial === d.serial).map(({ serial: _s, ...f }) =>
      ({ ...f, virtual: Boolean(f.virtual), first_seen: Number(f.first_seen) })),
  };
}

export async function listDevices(db: Db): Promise<DeviceOut[]> {
  const [devices, fps] = await Promise.all([
    db.all<DeviceRow>('SELECT * FROM devices ORDER BY virtual, model, serial'),
    db.all<FingerprintOut & { serial: string }>('SELECT * FROM device_fingerprints ORDER BY serial, first_seen'),
  ]);
  return devices.map((d) => deviceOut(d, fps));
}

export async function getDevice(db: Db, serial: string): Promise<DeviceOut> {
  const d = await db.get<DeviceRow>('SELECT * FROM devices WHERE serial = ?', [serial]);
  if (!d) throw new RioError('NOT_FOUND', 'no such device', { device: serial });
  const fps = await db.all<FingerprintOut & { serial: string }>('SELECT * FROM device_fingerprints WHERE serial = ? ORDER BY first_seen', [serial]);
  return deviceOut(d, fps);
}
