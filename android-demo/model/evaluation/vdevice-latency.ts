/**
 * Latency of a .tflite on the farm's (virtual) devices, measured the way users measure it:
 * `rio-farm run --model <file>` builds the demo APK around the model, replays a suite at full
 * speed on every attached device, and we read each frame's `t_infer` from the run's run.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RioError } from '../../../harness/src/errors.ts';
import { countsForLatency, frameRuleOf, type LatencyFrame } from '../../../harness/src/metrics/counted-frames.ts';
import { parseRunOptions } from '../../../harness/src/metrics/run-aggregate-options.ts';

const CLI = join(import.meta.dirname, '..', '..', '..', 'harness', 'bin', 'rio-farm.mjs');
/** A run of the smoke suite on three vdevices takes ~15 s; allow a loaded machine plenty more. */
const RUN_TIMEOUT_MS = 10 * 60_000;

export interface DeviceLatency { model: string; virtual: boolean; frames: number; meanInferMs: number }

interface RunJson {
  run: { options_json: string };
  devices: { serial: string; model: string; virtual: number }[];
  measurements: (LatencyFrame & { serial: string; t_infer: number | null })[];
}

/** Mean inference time per device of `modelPath` over `suite`, through `rio-farm run`. */
export function measureDeviceLatency(modelPath: string, suite: string): DeviceLatency[] {
  const out = mkdtempSync(join(tmpdir(), 'rio-latency-'));
  try {
    const r = spawnSync(process.execPath, [CLI, 'run', '--suite', suite, '--model', modelPath, '--fps', '0', '--no-crops',
      '--out', out, '--db', `sqlite:${join(out, 'runs.db')}`], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    // Exit 1 is a product verdict (quality bars), not a failed measurement.
    if (r.status !== 0 && r.status !== 1) {
      throw new RioError('DEVICE_UNHEALTHY', `rio-farm run for latency failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-500)}`, { model: modelPath });
    }
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunJson;
    // The frames the run's own report times (counted-frames.ts: thermal-flagged ones left out).
    const rule = frameRuleOf(parseRunOptions(run.run.options_json));
    return run.devices.map((d) => {
      const times = run.measurements.filter((m) => m.serial === d.serial && countsForLatency(m, rule) && m.t_infer !== null).map((m) => m.t_infer!);
      return { model: d.model, virtual: d.virtual === 1, frames: times.length, meanInferMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length) };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
