/**
 * The RIO demo app's host twin: what a vdevice runs for `dev.riofarm.rio` (see
 * harness/vdevice/apps/app-twin.ts). Same contract as the Kotlin app (android-demo/CONTRACT.md).
 */
import type { AppTwin, AppTwinContext, RunningApp } from '../../harness/vdevice/apps/app-twin.ts';
import { startBenchmark } from './benchmark-activity.ts';
import { startPreview } from './preview-activity.ts';

export const twin: AppTwin = {
  start(ctx: AppTwinContext): Promise<RunningApp> {
    const activity = ctx.activity.replace(/^dev\.riofarm\.rio\./, '.');
    if (activity === '.BenchmarkActivity') return startBenchmark(ctx);
    if (activity === '.MainActivity') return startPreview(ctx);
    // Android refuses unknown components before any app code runs; the vdevice reports that.
    return Promise.reject(new Error(`Activity class {dev.riofarm.rio/${ctx.activity}} does not exist.`));
  },
};
