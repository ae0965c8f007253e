import type { Command } from 'commander';

/** Registers `rio-farm devices`: every device on the adb server with identity and health. */
export function registerDevices(program: Command): void {
  program.command('devices')
    .description('List devices: serial, model, SDK, ABI, virtual/real, battery, temperature, thermal status, state')
    .option('--adb-port <port>', 'adb server port (default $ANDROID_ADB_SERVER_PORT or 5037)')
    .option('--json', 'print JSON')
    .action(async (o: { adbPort?: string; json?: boolean }) => {
      const { listDevices, formatDeviceTable, isListening } = await import('../../devices/index.ts');
      const { RioError } = await import('../../errors.ts');
      const port = Number(o.adbPort ?? process.env.ANDROID_ADB_SERVER_PORT ?? 5037);
      if (!(await isListening(port))) {
        throw new RioError('ADB_ERROR', `no adb server on port ${port} (start one: adb -P ${port} start-server, or rio-farm vdevice start)`, { port });
      }
      const devices = await listDevices(port);
      console.log(o.json ? JSON.stringify(devices, null, 2) : devices.length ? formatDeviceTable(devices) : 'no devices');
    });
}
