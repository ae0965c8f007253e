/**
 * The test farm: an adb server of the test's own (free port, never 5037) with N vdevices
 * connected and online, and an adbkit Client bound to that server. stop() leaves nothing behind:
 * devices disconnected and stopped, that server killed, temp dirs removed.
 */
import { spawnSync } from 'node:child_process';
import type { Client } from '@devicefarmer/adbkit';
import { startVirtualDevice, type VirtualDevice, type Fault, type DeviceProfile } from '../vdevice/index.ts';
import { ensureAdbServer, killAdbServer, runAdb, adbConnect, adbDisconnect, adbClient, hostPublicKey, type AdbResult } from '../src/devices/index.ts';

export interface TestFarmOptions {
  count?: number;
  /** one profile for every device (a name from harness/vdevice/profiles, or a loaded profile) */
  profile?: string | DeviceProfile;
  /** a profile per device (cycled) */
  profiles?: Array<string | DeviceProfile>;
  /** faults for every device */
  faults?: Fault[];
  /** turn AUTH on: devices trust only this machine's ~/.android/adbkey.pub */
  auth?: boolean;
  /** adb features the vdevices advertise (to exercise older install paths) */
  adbFeatures?: string[];
}

export interface TestFarm {
  adbPort: number;
  /** process.env plus ANDROID_ADB_SERVER_PORT for this farm's server */
  env: NodeJS.ProcessEnv;
  client: Client;
  serials: string[];
  vdevices: VirtualDevice[];
  /** runs the adb CLI against this farm's server */
  adb(args: string[]): Promise<AdbResult>;
  stop(): Promise<void>;
}

export async function startTestFarm(opts: TestFarmOptions = {}): Promise<TestFarm> {
  const count = opts.count ?? 1;
  const adbPort = await ensureAdbServer(0);
  const vdevices: VirtualDevice[] = [];
  const client = adbClient(adbPort);
  const adb = (args: string[]) => runAdb(args, adbPort);
  // safety net: a test process that exits without stop() (a thrown before(), a crash) must not
  // leave its adb server behind; 'exit' handlers may only do synchronous work
  const killOnExit = () => { spawnSync('adb', ['-P', String(adbPort), 'kill-server'], { stdio: 'ignore', timeout: 5000 }); };
  process.once('exit', killOnExit);
  const stop = async () => {
    await Promise.allSettled(vdevices.map((v) => adbDisconnect(v.serial, adbPort)));
    await Promise.allSettled(vdevices.map((v) => v.stop()));
    await killAdbServer(adbPort);
    process.removeListener('exit', killOnExit);
  };
  try {
    const authorizedKeys = opts.auth ? [hostPublicKey()] : undefined;
    for (let i = 0; i < count; i++) {
      const profile = opts.profiles?.length ? opts.profiles[i % opts.profiles.length] : opts.profile;
      vdevices.push(await startVirtualDevice({ profile, faults: opts.faults, authorizedKeys, adbFeatures: opts.adbFeatures }));
    }
    await Promise.all(vdevices.map((v) => adbConnect(v.serial, adbPort)));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    adbPort,
    env: { ...process.env, ANDROID_ADB_SERVER_PORT: String(adbPort) },
    client,
    serials: vdevices.map((v) => v.serial),
    vdevices,
    adb,
    stop,
  };
}
