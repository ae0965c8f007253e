/**
 * The RIO demo app's host twin: what a vdevice runs for `dev.riofarm.rio` (see
 * harness/vdevice/apps/app-twin.ts). Same contract as the Kotlin app (android-demo/CONTRACT.md).
 */
import type { AppTwin, AppTwinContext, RunningApp } from '../../harness/vdevice/apps/app-twin.ts';
import { startBenchmark } from './benchmark-activity.ts';
import { RECORDED_ENGINE } from './recorded-engine.ts';
import { startPreview } from './preview-activity.ts';
import { APP_PACKAGE, BENCHMARK_ACTIVITY, MAIN_ACTIVITY } from '../contract/app-identity.ts';

export const twin: AppTwin = { start: (ctx) => startActivity(ctx, false) };

/** The same app answering from a recording (recorded-engine.ts): what a `replay-virtual` vdevice runs. */
export const recordedTwin: AppTwin = { start: (ctx) => startActivity(ctx, true) };

function startActivity(ctx: AppTwinContext, recorded: boolean): Promise<RunningApp> {
  {
    const activity = ctx.activity.startsWith(`${APP_PACKAGE}.`) ? ctx.activity.slice(APP_PACKAGE.length) : ctx.activity;
    if (activity === BENCHMARK_ACTIVITY) return startBenchmark(ctx, recorded ? RECORDED_ENGINE : undefined);
    if (activity === MAIN_ACTIVITY) return startPreview(ctx);
    // Android refuses unknown components before any app code runs; the vdevice reports that.
    return Promise.reject(new Error(`Activity class {${APP_PACKAGE}/${ctx.activity}} does not exist.`));
  }
}
