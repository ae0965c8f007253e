/**
 * `rio-farm nightly`: tonight's build and the frozen reference model on every device through the
 * one runner (runSuite), then detection over the stored history, confirmation runs for pending
 * steps, alerts stored and printed. Exit 1 on a regression alert, 2 on an infrastructure failure or
 * an infra alert (the reference moved too), 3 on bad input, 0 otherwise.
 */
import { join, resolve } from 'node:path';
import { ensureDemoApk } from '../../../android-demo/apk/index.ts';
import { adbClient, ensureAdbServer, onlineDevices, DEFAULT_ADB_PORT } from '../devices/index.ts';
import { AdbDevice } from '../devices/adb-device.ts';
import { readFingerprint } from '../fingerprint/device-fingerprint.ts';
import { ExitCode } from '../errors.ts';
import { runSuite, type RunSummary } from '../run/run-suite.ts';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../run/run-options.ts';
import { startLocalVdevices, type LocalVdevices } from '../run/local-vdevices.ts';
import type { RunProgress } from '../run/progress.ts';
import { openStore } from '../store/index.ts';
import { ApkArchive } from './apk-archive.ts';
import { confirmationRunner } from './confirmation-run.ts';
import { pinReferenceModel } from './reference-model.ts';
import { NIGHTLY_LABEL } from './store-series.ts';
import { detectStoredNight, type StoredNight } from './stored-night.ts';
import type { DetectorSettings } from './detect.ts';

export interface NightlyOptions {
  suite: string; devices: 'all' | string[]; db: string; upload?: string;
  referenceModel: string; repinReference?: boolean;
  /** tonight's build (default: the built-in demo APK) */
  apk?: string;
  /** where pins and archived APKs live */
  home: string;
  vdevices: number; vdeviceProfiles?: string[]; vdeviceHome?: string;
  /** anything else the runner takes, the same for every run of the night (tests: out dirs, scenario subsets) */
  run?: Partial<RunOptions>;
  settings?: DetectorSettings;
}

export interface NightlySummary { exitCode: number; candidate: RunSummary; reference: RunSummary; night: StoredNight }

export async function runNightly(o: NightlyOptions, hooks: { progress?: RunProgress; now?: number } = {}): Promise<NightlySummary> {
  const pinned = pinReferenceModel(o.referenceModel, join(o.home, 'reference'), o.repinReference);
  const archive = new ApkArchive(join(o.home, 'apks'));
  const apk = resolve(o.apk ?? (await ensureDemoApk()).path);
  archive.keep(apk);
  const adbPort = await ensureAdbServer(Number(process.env.ANDROID_ADB_SERVER_PORT ?? DEFAULT_ADB_PORT));
  let local: LocalVdevices | undefined;
  try {
    let serials = o.devices;
    const online = await onlineDevices(adbClient(adbPort));
    if (serials === 'all' && online.length === 0) {
      // One set of vdevices for the whole night: the confirmation run must find the same devices again.
      local = await startLocalVdevices({ count: o.vdevices, adbPort, profiles: o.vdeviceProfiles, home: o.vdeviceHome });
      serials = local.serials;
    }
    // A vdevice night replays unpaced: which frames are scored must not depend on the host's load
    // (a paced replay on a loaded host drops 15–65 % of them). README: what a vdevice series can show.
    const unpaced = local !== undefined || await allVirtual(adbPort, serials === 'all' ? online : serials);
    const base: RunOptions = { ...DEFAULT_RUN_OPTIONS, ...(unpaced ? { fps: 0 } : {}), ...o.run, suite: o.suite, devices: serials, db: o.db, upload: o.upload };
    const run = (over: Partial<RunOptions>, role: string) => runSuite({ ...base, ...over, labels: { ...base.labels, [NIGHTLY_LABEL]: role } }, { progress: hooks.progress });
    const candidate = await run({ apk }, 'candidate');
    const reference = await run({ model: pinned.path }, 'reference');
    const store = await openStore(o.db);
    try {
      const confirm = confirmationRunner({ store, suite: o.suite, archive,
        run: async (c) => (await run({ devices: [c.serial], apk: c.apk, scenarios: c.scenarios, upload: undefined }, 'confirmation')).runId });
      const night = await detectStoredNight(store, o.suite, new Set([candidate.runId, reference.runId]), { settings: o.settings, confirm, now: hooks.now });
      return { exitCode: nightlyExitCode(candidate, reference, night), candidate, reference, night };
    } finally { await store.close(); }
  } finally {
    await local?.stop();
  }
}

/** Every device is virtual (a vdevice or an emulator: the one rule, devices/virtual-device.js). */
async function allVirtual(adbPort: number, serials: readonly string[]): Promise<boolean> {
  const client = adbClient(adbPort);
  const kinds = await Promise.all(serials.map(async (s) => (await readFingerprint(new AdbDevice(client, s))).virtual));
  return kinds.length > 0 && kinds.every(Boolean);
}

/** 1 a regression alert; 2 an infrastructure failure or an infra alert; 0 otherwise (bad input throws: 3). */
export function nightlyExitCode(candidate: RunSummary, reference: RunSummary, night: StoredNight): number {
  if (night.alerts.some((a) => a.label === 'regression')) return ExitCode.ProductFailure;
  if ([candidate, reference].some((r) => r.exitCode === ExitCode.Infrastructure) || night.alerts.some((a) => a.label === 'infra')) {
    return ExitCode.Infrastructure;
  }
  return ExitCode.Ok;
}
