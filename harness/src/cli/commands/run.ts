import type { Command } from 'commander';
import { resolve } from 'node:path';
import { RioError } from '../../errors.ts';
import { storeUrl } from '../../store/store-url.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new RioError('BAD_ARGUMENT', `${name} needs an integer, got "${v}"`, { option: name });
  return n;
};

/** Registers `rio-farm run`; the logic lives in harness/src/run/. */
export function registerRun(program: Command): void {
  program.command('run')
    .description('Install the demo app, replay a suite on every device in parallel, store and report (exit 0 pass, 1 product failure, 2 infrastructure, 3 bad input)')
    .option('--suite <name>', 'scenario suite (smoke, nightly, signoff, a real-photo folder…)')
    .option('--scenario <id>', 'only this scenario of the suite (repeatable)', collect, [])
    .option('--devices <list>', '"all" or comma-separated serials', 'all')
    .option('--apk <path>', 'demo APK (default: the built-in vdevice APK, built when missing)')
    .option('--model <path>', 'a .tflite to run: builds the vdevice demo APK around it, with the released quarter-turn classifier (phones need the Gradle-built app with it)')
    .option('--repeat <n>', 'run every scenario n times', int('--repeat'), 1)
    .option('--threads <n>', 'interpreter threads', int('--threads'), 4)
    .option('--delegate <name>', 'cpu | xnnpack | gpu | nnapi', 'cpu')
    .option('--warmup <n>', 'warm-up runs before timing', int('--warmup'), 3)
    .option('--fps <n>', 'replay fps for every scenario (default: each scenario\'s own; 0 = as fast as possible)', Number)
    .option('--shard', 'split scenarios across devices of the same model instead of running the whole suite on each')
    .option('--out <dir>', 'report folder (default reports/<run-id>)')
    .option('--db <url>', 'store: sqlite:PATH or postgres://…', 'sqlite:.rio-farm/rio-farm.db')
    .option('--label <k=v>', 'label the run (repeatable)', collect, [])
    .option('--bar <k=v>', 'quality bar, e.g. iou_median=0.8, detection_rate=0.9, false_detection_rate=0.1, p90_ms=50, drop_rate=0.2 (repeatable)', collect, [])
    .option('--retries <n>', 'infrastructure retries per scenario', int('--retries'), 2)
    .option('--scenario-timeout <ms>', 'per-scenario deadline (default 60 s + 2 s per frame)', int('--scenario-timeout'))
    .option('--stall-timeout <ms>', 'longest silence between app progress markers', int('--stall-timeout'), 30_000)
    .option('--cooldown-max <ms>', 'longest wait for a hot device to cool down', int('--cooldown-max'), 180_000)
    .option('--no-crops', 'do not have the app save (and the harness pull) crops')
    .option('--include-thermal', 'keep thermal-flagged frames in latency statistics')
    .option('--vdevices <n>', 'vdevices to start when no device is attached (default 3, at most the host\'s cores unless asked)', int('--vdevices'))
    .option('--vdevice-profile <names>', 'profiles for self-started vdevices, comma-separated, used in turn', 'pixel-7-virtual,galaxy-a54-virtual,low-end-go-virtual')
    .option('--vdevice-home <dir>', 'self-started vdevices keep storage and serial here between runs, like phones on a hub', '.rio-farm/vdevices')
    .option('--fresh-vdevices', 'self-started vdevices start empty and temporary')
    .option('--resume <run-id>', 'continue a run whose harness died, without redoing finished scenarios')
    .option('--upload <url>', 'POST the run to a rio-farm server (token from RIO_FARM_TOKEN)')
    .action(async (o: Record<string, unknown>) => {
      const { runSuite } = await import('../../run/run-suite.ts');
      const { parseBars } = await import('../../metrics/quality-bars.ts');
      const { parseLabels, DEFAULT_RUN_OPTIONS } = await import('../../run/run-options.ts');
      if (!o.suite && !o.resume) throw new RioError('BAD_ARGUMENT', '--suite is required (or --resume RUN_ID)', { option: '--suite' });
      const db = String(o.db);
      const summary = await runSuite({
        ...DEFAULT_RUN_OPTIONS,
        suite: String(o.suite ?? ''),
        devices: o.devices === 'all' ? 'all' : String(o.devices).split(',').map((s) => s.trim()).filter(Boolean),
        apk: o.apk ? resolve(String(o.apk)) : undefined, model: o.model ? resolve(String(o.model)) : undefined,
        repeat: o.repeat as number, threads: o.threads as number, delegate: String(o.delegate), warmup: o.warmup as number,
        fps: o.fps as number | undefined, shard: Boolean(o.shard), out: o.out ? resolve(String(o.out)) : undefined,
        db: storeUrl(db),
        labels: parseLabels(o.label as string[]), bars: parseBars(o.bar as string[]),
        retries: o.retries as number, scenarioTimeoutMs: o.scenarioTimeout as number | undefined, stallMs: o.stallTimeout as number,
        health: { ...DEFAULT_RUN_OPTIONS.health, cooldownMaxMs: o.cooldownMax as number },
        saveCrops: o.crops !== false, includeThermal: Boolean(o.includeThermal),
        vdevices: (o.vdevices as number | undefined) ?? DEFAULT_RUN_OPTIONS.vdevices, vdeviceProfiles: String(o.vdeviceProfile).split(',').map((s) => s.trim()).filter(Boolean),
        vdeviceHome: o.freshVdevices ? undefined : resolve(String(o.vdeviceHome)),
        upload: o.upload as string | undefined, resume: o.resume as string | undefined,
        scenarios: (o.scenario as string[]).length ? o.scenario as string[] : undefined,
      });
      process.exitCode = summary.exitCode;
    });
}
