import type { Command } from 'commander';

/** Registers `rio-farm doctor`: adb, server, devices, disk, Chromium — each failed check with its fix. */
export function registerDoctor(program: Command): void {
  program.command('doctor')
    .description('Check the environment (adb present/version/server, devices, disk, Chromium) and print fixes')
    .option('--adb-port <port>', 'adb server port (default $ANDROID_ADB_SERVER_PORT or 5037)')
    .action(async (o: { adbPort?: string }) => {
      const { runDoctor } = await import('../../devices/index.ts');
      const port = Number(o.adbPort ?? process.env.ANDROID_ADB_SERVER_PORT ?? 5037);
      const checks = await runDoctor(port);
      for (const c of checks) {
        const mark = c.ok ? 'ok  ' : c.warnOnly ? 'warn' : 'FAIL';
        console.log(`[${mark}] ${c.name}: ${c.detail}`);
        if (!c.ok && c.fix) console.log(`       fix: ${c.fix}`);
      }
      const failed = checks.filter((c) => !c.ok && !c.warnOnly);
      if (failed.length) process.exitCode = 2;
    });
}
