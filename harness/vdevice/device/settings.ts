/** `settings get|put|delete|list system|secure|global`, kept in /data/system/settings.json. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DeviceFs } from '../fs/device-fs.ts';

export type SettingsNamespace = 'system' | 'secure' | 'global';
const FILE = '/data/system/settings.json';
const DEFAULTS: Record<SettingsNamespace, Record<string, string>> = {
  system: { screen_brightness: '128', screen_off_timeout: '60000', font_scale: '1.0', accelerometer_rotation: '1' },
  secure: { android_id: '', default_input_method: 'com.android.inputmethod.latin/.LatinIME' },
  global: { airplane_mode_on: '0', adb_enabled: '1', stay_on_while_plugged_in: '0', window_animation_scale: '1.0',
    transition_animation_scale: '1.0', animator_duration_scale: '1.0', device_name: '' },
};

export class Settings {
  private data: Record<SettingsNamespace, Record<string, string>>;

  constructor(private readonly fs: DeviceFs, deviceName: string, androidId: string) {
    try {
      this.data = JSON.parse(readFileSync(fs.hostPath(FILE), 'utf8'));
    } catch {
      this.data = structuredClone(DEFAULTS);
      this.data.global.device_name = deviceName;
      this.data.secure.android_id = androidId;
    }
  }

  get(ns: SettingsNamespace, key: string): string | undefined {
    return this.data[ns][key];
  }

  put(ns: SettingsNamespace, key: string, value: string): void {
    this.data[ns][key] = value;
    this.save();
  }

  delete(ns: SettingsNamespace, key: string): boolean {
    const had = key in this.data[ns];
    delete this.data[ns][key];
    this.save();
    return had;
  }

  list(ns: SettingsNamespace): Array<[string, string]> {
    return Object.entries(this.data[ns]).sort(([a], [b]) => a.localeCompare(b));
  }

  private save(): void {
    writeFileSync(this.fs.hostPath(FILE), JSON.stringify(this.data));
  }
}
