/**
 * The UI run's launcher side: find the farm's devices (or start vdevices on an adb server of our
 * own, like `rio-farm run`), install the demo APK, push each UI scenario's frames and manifest,
 * and describe one Appium capability per device — the rio driver for vdevices, UiAutomator2 for
 * phones. Runs once, in the WDIO launcher (onPrepare), never in spec workers.
 */
import { randomBytes } from 'node:crypto';
import { RioError } from '../../../harness/src/errors.ts';
import type { DeviceFingerprint } from '../../../harness/src/store/index.ts';
import { AdbDevice, adbClient } from '../../../harness/src/devices/adb-device.ts';
import { fingerprintFromProps } from '../../../harness/src/fingerprint/device-fingerprint.ts';
import { apkInfo, ensureInstalled } from '../../../harness/src/install/apk-install.ts';
import { pushFrames } from '../../../harness/src/install/frame-push.ts';
import { freePort, killAdbServer, listDevices, runsHostTwin } from '../../../harness/src/devices/index.ts';
import { listProfiles, loadProfile, type Fault, type VirtualDevice } from '../../../harness/vdevice/index.ts';
import { profileProps } from '../../../harness/vdevice/device/profile.ts';
import { startFleet, type Fleet } from '../../../harness/vdevice/fleet.ts';
import { ensureDemoApk } from '../../../android-demo/apk/index.ts';
import { APP_PACKAGE, appRunDir, manifestOf } from '../../../android-demo/contract/index.ts';
import { pickUiScenarios, UI_LIGHTINGS } from './ui-scenarios.ts';
import type { BuiltScenario } from '../../generator/index.ts';
import { PLAN_ENV, writePlan, type UiPlan, type UiScenario } from './ui-plan.ts';
import { capabilitiesFor } from './capabilities.ts';

/**
 * Frames per UI manifest. The vdevice preview loops over them, so with several frames which one
 * gets captured depends on timing and a spec's verdict would too; one frame keeps the UI specs
 * deterministic. Frame-by-frame accuracy is what `rio-farm run` measures.
 */
const FRAMES_PER_SCENARIO = Number(process.env.RIO_UI_FRAMES ?? 1);

export interface UiFarmOptions {
  outDir: string;
  target: 'vdevice' | 'real';
  /** start exactly this many vdevices instead of discovering devices (RIO_UI_VDEVICES) */
  vdevices?: number;
  /** spec parameters to run (default all of UI_LIGHTINGS, or RIO_UI_LIGHTINGS=daylight,dim) */
  lightings?: string[];
  /** extra vdevice options, e.g. injected faults (tests) */
  faults?: Fault[];
}

export interface UiFarm {
  plan: UiPlan;
  planPath: string;
  planEnv: string;
  adbPort: number;
  capabilities: WebdriverIO.Capabilities[];
  devices: DeviceFingerprint[];
  /** the generated scenarios behind plan.scenarios (stored with the run like `rio-farm run` does) */
  builtScenarios: BuiltScenario[];
  vdevices: VirtualDevice[];
  stop(): Promise<void>;
}

export async function prepareUiFarm(opts: UiFarmOptions): Promise<UiFarm> {
  const runId = `ui-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  let fleet: Fleet | undefined;
  let ownAdbPort: number | null = null;
  const stop = async () => {
    await fleet?.stop();
    // Only the adb server this run started is killed; the user's (5037 or theirs) is left alone.
    if (ownAdbPort !== null) await killAdbServer(ownAdbPort);
  };
  try {
    // scenarios first: a bad lighting name fails before any device is started
    const lightings = opts.lightings ?? process.env.RIO_UI_LIGHTINGS?.split(',') ?? [...UI_LIGHTINGS];
    const picked = await pickUiScenarios(lightings);
    const scenarios: UiScenario[] = picked.map((p) => ({
      lighting: p.lighting, suite: p.scenario.suite, scenarioId: p.scenario.id, truthSha256: p.truthSha256,
      manifestDevicePath: `${appRunDir(`${runId}-${p.lighting}`)}/manifest.json`,
      ...(p.scenario.camera ? { camera: p.scenario.camera } : {}),
      frames: p.frames.slice(0, FRAMES_PER_SCENARIO).map((f) => ({
        index: f.index, sha256: f.sha256, negative: f.negative, cards: f.cards, lighting: { tags: f.lighting.tags },
      })),
    }));

    let adbPort = Number(process.env.ANDROID_ADB_SERVER_PORT ?? 5037);
    let serials: string[] = [];
    const forced = opts.vdevices ?? (process.env.RIO_UI_VDEVICES ? Number(process.env.RIO_UI_VDEVICES) : undefined);
    if (forced === undefined) {
      const online = (await listDevices(adbPort).catch(() => [])).filter((d) => d.state === 'device');
      serials = online.filter((d) => opts.target !== 'real' || !d.virtual).map((d) => d.serial);
    }
    if (opts.target === 'real' && serials.length === 0) {
      throw new RioError('BAD_CONFIG', `RIO_TARGET=real but no phone is online on the adb server at port ${adbPort} (adb devices)`);
    }
    if (serials.length === 0) {
      adbPort = ownAdbPort = await freePort();
      // only profiles whose devices run the host twin: the rio driver and the twin APK need one
      const profiles = listProfiles().filter((name) => runsHostTwin(profileProps(loadProfile(name), '')));
      fleet = await startFleet({ count: forced ?? 1, profiles, adbPort, faults: opts.faults });
      serials = fleet.devices.map((d) => d.serial);
    }
    const client = adbClient(adbPort);
    const described = await Promise.all(serials.map(async (s) => {
      const props = await new AdbDevice(client, s).getprops();
      return { fingerprint: fingerprintFromProps(s, props), twin: runsHostTwin(props) };
    }));
    const devices = described.map((d) => d.fingerprint);
    // rio vdevices run the host twin of the demo APK; phones and emulators run the Gradle APK
    const twins = new Set(described.filter((d) => d.twin).map((d) => d.fingerprint.serial));

    // RIO_APK: the build under test (the Gradle APK on phones); vdevices default to the demo APK.
    const apk = process.env.RIO_APK ?? (opts.target === 'real' ? undefined : (await ensureDemoApk()).path);
    await Promise.all(devices.map(async (d) => {
      if (!twins.has(d.serial)) return; // phones, emulators: UiAutomator2 installs `appium:app` itself and uses the camera
      const dev = new AdbDevice(client, d.serial);
      await ensureInstalled(dev, apkInfo(apk!, APP_PACKAGE));
      await pushFrames(dev, picked.flatMap((p) => p.frames.slice(0, FRAMES_PER_SCENARIO)).map((f) => ({ sha256: f.sha256, path: f.path })));
      for (const s of scenarios) await pushManifest(dev, runId, s);
    }));

    const plan: UiPlan = { runId, startedAt: Date.now(), target: opts.target, outDir: opts.outDir, scenarios };
    const planPath = writePlan(plan);
    return {
      plan, planPath, planEnv: PLAN_ENV, adbPort, devices, vdevices: fleet?.devices ?? [], stop,
      builtScenarios: picked.map((p) => p.scenario),
      capabilities: devices.map((d) => capabilitiesFor(d, adbPort, twins.has(d.serial), apk)),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The scenario's manifest (rio-manifest/1) where MainActivity's `--es manifest` points. */
async function pushManifest(dev: AdbDevice, runId: string, s: UiScenario): Promise<void> {
  const manifest = manifestOf(`${runId}-${s.lighting}`, s.scenarioId, s.frames, s.camera);
  await dev.push(Buffer.from(JSON.stringify(manifest)), s.manifestDevicePath);
}
