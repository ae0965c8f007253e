/**
 * Device profiles: the identity and hardware a vdevice presents (files in ../profiles/*.json or
 * .yaml). Documented in ../README.md.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { RioError } from '../../src/errors.ts';
import { slowdownLabel, slowedFingerprint } from './slowdown.ts';

export interface DeviceProfile {
  name: string;
  description: string;
  product: { name: string; model: string; device: string; manufacturer: string; brand: string };
  soc: { manufacturer: string; model: string };
  android: { release: string; sdk: number };
  abi: string[];
  cores: number;
  ramMb: number;
  screen: { width: number; height: number; density: number };
  battery: { level: number; tempC: number };
  storageMb: number;
  thermal: { ambientC: number; heatPerBusySecond: number; coolPerSecond: number };
  /** getprop values that override the derived ones (only getprop: the CNXN banner keeps product.*); null removes one */
  props?: Record<string, string | null>;
  /** `hostile`: tampered firmware that lies to the harness (device/hostile-firmware.ts) */
  firmware?: 'hostile';
  /** `recorded`: apps answer from a recording on the device (recorded timings and results, no inference) — the farm-scale profile */
  app?: 'recorded';
  /** set by `--slowdown` (device/slowdown.ts), never by a profile file: the app twin spends this factor of its inference and quarter-turn cost */
  slowdown?: number;
}

export const PROFILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'profiles');
export const DEFAULT_PROFILE = 'pixel-7-virtual';

export function listProfiles(): string[] {
  return readdirSync(PROFILE_DIR).filter((f) => /\.(json|ya?ml)$/.test(f)).map((f) => f.replace(/\.(json|ya?ml)$/, '')).sort();
}

/** Loads a profile by name (from the profile folder) or by file path. */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE): DeviceProfile {
  const candidates = [nameOrPath, ...['.json', '.yaml', '.yml'].map((e) => join(PROFILE_DIR, nameOrPath + e))];
  const file = candidates.find((c) => /\.(json|ya?ml)$/.test(c) && existsSync(c));
  if (!file) {
    throw new RioError('BAD_CONFIG', `unknown device profile "${nameOrPath}" (known: ${listProfiles().join(', ')})`, { field: 'profile' });
  }
  const text = readFileSync(file, 'utf8');
  const data = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as DeviceProfile;
  if (data.slowdown !== undefined) throw new RioError('BAD_CONFIG', 'a device profile may not set "slowdown" (it is `vdevice start --slowdown`, labelled on the device)', { file, field: 'slowdown' });
  for (const key of ['name', 'product', 'soc', 'android', 'abi', 'cores', 'ramMb', 'screen', 'battery', 'storageMb', 'thermal'] as const) {
    if (data[key] === undefined) throw new RioError('BAD_CONFIG', `device profile lacks "${key}"`, { file, field: key });
  }
  if (!/virtual/i.test(data.product.model)) {
    throw new RioError('BAD_CONFIG', 'a vdevice profile model must say it is virtual', { file, field: 'product.model' });
  }
  return data;
}

/** The system properties `getprop` answers, derived from the profile. */
export function profileProps(p: DeviceProfile, serial: string): Record<string, string> {
  const props: Record<string, string | null> = { ...derivedProps(p, serial), ...p.props };
  if (p.slowdown !== undefined && p.slowdown !== 1) {
    props['ro.rio.slowdown'] = slowdownLabel(p.slowdown);
    if (props['ro.build.fingerprint']) props['ro.build.fingerprint'] = slowedFingerprint(props['ro.build.fingerprint'], p.slowdown);
  }
  // a profile that looks like another kind of device (an Android emulator) drops what it lacks, e.g. ro.rio.virtual
  return Object.fromEntries(Object.entries(props).filter((e): e is [string, string] => e[1] !== null));
}

function derivedProps(p: DeviceProfile, serial: string): Record<string, string> {
  const fingerprint = `${p.product.brand}/${p.product.name}/${p.product.device}:${p.android.release}/RIO.${p.android.sdk}/1:user/release-keys`;
  return {
    'ro.product.name': p.product.name,
    'ro.product.model': p.product.model,
    'ro.product.device': p.product.device,
    'ro.product.manufacturer': p.product.manufacturer,
    'ro.product.brand': p.product.brand,
    'ro.product.cpu.abi': p.abi[0],
    'ro.product.cpu.abilist': p.abi.join(','),
    'ro.product.cpu.abilist64': p.abi.filter((a) => a.includes('64')).join(','),
    'ro.product.cpu.abilist32': p.abi.filter((a) => !a.includes('64')).join(','),
    'ro.soc.manufacturer': p.soc.manufacturer,
    'ro.soc.model': p.soc.model,
    'ro.hardware': p.product.device,
    'ro.board.platform': p.soc.model.toLowerCase().replace(/\s+/g, ''),
    'ro.build.version.release': p.android.release,
    'ro.build.version.sdk': String(p.android.sdk),
    'ro.build.fingerprint': fingerprint,
    'ro.build.type': 'user',
    'ro.build.tags': 'release-keys',
    'ro.build.id': `RIO.${p.android.sdk}`,
    'ro.serialno': serial,
    'ro.sf.lcd_density': String(p.screen.density),
    'ro.rio.virtual': '1',
    'ro.rio.profile': p.name,
    'ro.rio.cores': String(p.cores),
    'ro.rio.ram_mb': String(p.ramMb),
    'sys.boot_completed': '1',
    'dev.bootcomplete': '1',
    'init.svc.bootanim': 'stopped',
    'persist.sys.locale': 'en-US',
    'persist.sys.timezone': 'UTC',
  };
}
