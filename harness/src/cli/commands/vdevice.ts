import type { Command } from 'commander';
import { RioError } from '../../errors.ts';
import { terminalText } from '../../devices/terminal-text.ts';

function adbPortOption(v: string | undefined): number {
  const port = Number(v ?? process.env.ANDROID_ADB_SERVER_PORT ?? 5037);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RioError('BAD_ARGUMENT', `bad adb server port "${v}"`, { field: '--adb-port' });
  return port;
}

/** Registers `rio-farm vdevice start|profiles`; the logic lives in harness/vdevice/. */
export function registerVdevice(program: Command): void {
  const cmd = program.command('vdevice').description('Virtual Android devices on the real adb protocol');

  cmd.command('start')
    .description('Start N vdevices, connect them to the adb server (starting it if needed), stay in the foreground; Ctrl-C stops them')
    .option('--count <n>', 'number of devices (more than the host\'s cores only when asked, with a warning)', '1')
    .option('--profile <names>', 'profile name(s), comma-separated, cycled over the devices', 'pixel-7-virtual')
    .option('--base-port <p>', 'first TCP port (consecutive ports after it); default: free ports')
    .option('--fault <spec...>', 'inject faults, e.g. crash:frame=5 disconnect:after=30,down=10 stall:at=am-start,for=5 storage-full thermal:heat=2 slow-link:latency=20')
    .option('--adb-port <port>', 'adb server port (default $ANDROID_ADB_SERVER_PORT or 5037)')
    .option('--auth', 'require AUTH: only this machine\'s ~/.android/adbkey.pub may connect')
    .option('--slowdown <factor>', 'the app twin spends this factor of its inference and quarter-turn cost (e.g. 1.10: 10% slower), labelled in ro.rio.slowdown and the build fingerprint')
    .action(async (o: { count: string; profile: string; basePort?: string; fault?: string[]; adbPort?: string; auth?: boolean; slowdown?: string }) => {
      const count = Number(o.count);
      if (!Number.isInteger(count) || count < 1 || count > 64) throw new RioError('BAD_ARGUMENT', '--count must be 1..64', { field: '--count' });
      const basePort = o.basePort === undefined ? undefined : Number(o.basePort);
      if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1024 || basePort + count > 65535)) {
        throw new RioError('BAD_ARGUMENT', '--base-port must leave room for --count ports above 1023', { field: '--base-port' });
      }
      const { startFleet } = await import('../../../vdevice/fleet.ts');
      const { parseFault, parseSlowdown, loadProfile } = await import('../../../vdevice/index.ts');
      const slowdown = o.slowdown === undefined ? undefined : parseSlowdown(o.slowdown);
      const profiles = o.profile.split(',').map((p) => p.trim()).filter(Boolean);
      profiles.forEach((p) => loadProfile(p));
      const faults = (o.fault ?? []).map(parseFault);
      const { vdevicesOverCores } = await import('../../../vdevice/host-cores.ts');
      const overCores = vdevicesOverCores(count);
      if (overCores) console.error(overCores);
      const adbPort = adbPortOption(o.adbPort);
      let authorizedKeys: string[] | undefined;
      if (o.auth) {
        const { hostPublicKey } = await import('../../devices/index.ts');
        authorizedKeys = [hostPublicKey()];
      }
      const fleet = await startFleet({ count, profiles, basePort, faults, adbPort, authorizedKeys, slowdown });
      for (const d of fleet.devices) console.log(terminalText(`${d.serial}\t${d.profile.product.model}\t${d.profile.name}`, { multiline: true }));
      console.error(`${count} vdevice(s) connected to the adb server on port ${adbPort}; Ctrl-C stops them`);
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await fleet.stop();
      console.error('vdevices stopped');
    });

  cmd.command('profiles')
    .description('List the device profiles')
    .action(async () => {
      const { listProfiles, loadProfile } = await import('../../../vdevice/index.ts');
      for (const name of listProfiles()) {
        const p = loadProfile(name);
        console.log(`${name.padEnd(22)} ${terminalText(p.product.model).padEnd(22)} Android ${p.android.release} (SDK ${p.android.sdk})  ${p.abi[0]}  ${p.cores} cores  ${p.ramMb} MB  ${p.screen.width}x${p.screen.height}`);
      }
    });
}
