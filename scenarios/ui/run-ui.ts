/**
 * `npm run test:ui`: runs wdio.conf.ts through WDIO's Launcher and exits with rio-farm's codes
 * (WDIO itself only knows 0/1): 0 every spec passed, 1 a product failure, 2 only infrastructure
 * failures (device gone, adb, Appium, after retries), 3 bad input or configuration.
 */
import { fileURLToPath } from 'node:url';
import { Launcher } from '@wdio/cli';
import { ExitCode } from '../../harness/src/errors.ts';
import { VERDICT_ENV, type UiVerdict } from './farm/store-ui-run.ts';

const CONFIG = fileURLToPath(new URL('../../wdio.conf.ts', import.meta.url));

/** Exit code per verdict (wdio.conf.ts leaves it in VERDICT_ENV: in onComplete, or in onPrepare when setup failed). */
const EXIT_OF: Record<UiVerdict, number> = {
  passed: ExitCode.Ok, product_failure: ExitCode.ProductFailure, infra_failure: ExitCode.Infrastructure, bad_input: ExitCode.BadInput,
};

async function main(): Promise<number> {
  try {
    const wdioCode = await new Launcher(CONFIG, {}).run();
    const verdict = process.env[VERDICT_ENV] as UiVerdict | undefined;
    if (wdioCode === 0) return ExitCode.Ok;
    // a failed run without a verdict (the launcher broke before onComplete) counts as a product failure
    return verdict && verdict !== 'passed' ? EXIT_OF[verdict] : ExitCode.ProductFailure;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return ExitCode.Infrastructure;
  }
}

process.exit(await main());
