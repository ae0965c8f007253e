import type { Command } from 'commander';
import { resolve } from 'node:path';
import { RioError } from '../../errors.ts';
import { storeUrl } from '../../store/store-url.ts';
import { terminalText } from '../../devices/terminal-text.ts';

/** Registers `rio-farm nightly`; the logic lives in harness/src/nightly/. */
export function registerNightly(program: Command): void {
  program.command('nightly')
    .description('Tonight\'s build plus the frozen reference model on every device, change-point detection over the stored nights, alerts (exit 0 none, 1 regression, 2 infrastructure, 3 bad input)')
    .option('--suite <name>', 'scenario suite', 'nightly')
    .option('--devices <list>', '"all" or comma-separated serials', 'all')
    .option('--apk <path>', 'tonight\'s build (default: the built-in vdevice demo APK)')
    .option('--db <url>', 'store: sqlite:PATH or postgres://…', 'sqlite:.rio-farm/rio-farm.db')
    .option('--upload <url>', 'POST tonight\'s runs to a rio-farm server (token from RIO_FARM_TOKEN)')
    .option('--reference-model <path>', 'the frozen control model, pinned by sha256 on first use', 'android-demo/model/release/rio.tflite')
    .option('--repin-reference', 'accept a different reference model (starts a new control series)')
    .option('--vdevices <n>', 'vdevices to start when no device is attached', (v) => Number(v), 1)
    .option('--vdevice-home <dir>', 'where self-started vdevices keep storage and serial between nights', '.rio-farm/vdevices')
    .option('--home <dir>', 'reference pin and archived builds', '.rio-farm/nightly')
    .option('--json', 'print alerts and states as JSON')
    .option('--precision', 'print the triage precision per detector setting from the stored alerts, and run nothing')
    .action(async (o: Record<string, unknown>) => {
      const db = String(o.db);
      const url = storeUrl(db);
      if (o.precision) {
        const { openStore } = await import('../../store/index.ts');
        const { triagePrecision } = await import('../../store/nightly-alerts.ts');
        const store = await openStore(url);
        try {
          const rows = await triagePrecision(store);
          process.stdout.write(['detector  alerts  triaged  real changes  precision (recall: npm run bench:nightly)',
            ...rows.map((r) => `${r.detector}  ${r.alerts}  ${r.triaged}  ${r.true_alerts}  ${r.precision === null ? 'no triage yet' : r.precision.toFixed(2)}`)].join('\n') + '\n');
        } finally { await store.close(); }
        return;
      }
      const { runNightly } = await import('../../nightly/nightly-run.ts');
      const { nightlyTable } = await import('../../nightly/nightly-table.ts');
      const { describeState } = await import('../../nightly/detect.ts');
      const vdevices = o.vdevices as number;
      if (!Number.isInteger(vdevices) || vdevices < 1 || vdevices > 16) throw new RioError('BAD_ARGUMENT', '--vdevices must be 1…16', { option: '--vdevices' });
      const r = await runNightly({
        suite: String(o.suite), devices: o.devices === 'all' ? 'all' : String(o.devices).split(',').map((s) => s.trim()).filter(Boolean),
        db: url, upload: o.upload as string | undefined,
        referenceModel: resolve(String(o.referenceModel)), repinReference: Boolean(o.repinReference), apk: o.apk ? resolve(String(o.apk)) : undefined,
        home: resolve(String(o.home)), vdevices, vdeviceHome: resolve(String(o.vdeviceHome)),
      });
      process.stdout.write(o.json
        ? JSON.stringify({ candidate: r.candidate.runId, reference: r.reference.runId, alerts: r.night.alerts,
          states: Object.fromEntries([...r.night.states].map(([k, s]) => [k, describeState(s)])) }, null, 1) + '\n'
        : `nightly: candidate run ${r.candidate.runId}, reference run ${r.reference.runId}\n${terminalText(nightlyTable(r.night), { multiline: true })}\n`);
      process.exitCode = r.exitCode;
    });
}
