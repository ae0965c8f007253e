/** The farm the server tests use: a regression, an OS update, a hot night, and a hostile model name. */
import { smallFarm, type SyntheticFarm } from './synthetic-runs.ts';

/** Injected through a device's model name: must be shown as text and never run. */
export const XSS_MODEL = '<img src=x onerror="window.__xss=1">vdev</script><script>window.__xss=2</script>';

export const SLOWED_SERIAL = 'R5CT10ABCDE';
export const UPDATED_SERIAL = '2A201FDH300ABC';
export const VIRTUAL_SERIAL = '127.0.0.1:5601';

export function serverTestFarm(outRoot: string): SyntheticFarm {
  const base = smallFarm();
  return {
    ...base,
    outRoot,
    devices: base.devices.map((d) => (d.virtual ? { ...d, model: XSS_MODEL } : d)),
    slowdown: { fromRun: 3, serial: SLOWED_SERIAL, factor: 1.5 },
    fingerprintChange: { atRun: 4, serial: UPDATED_SERIAL, build_fingerprint: 'google/panther/panther:15/AP3A/2:user/release-keys' },
    hotRuns: [2],
    labels: (r): Record<string, string> => (r === 5 ? { branch: 'main', release: '1.5' } : { branch: 'main' }),
    appVersion: (r) => (r >= 4 ? '1.5.0' : '1.4.0'),
  };
}
