/// <reference types="mocha" />
/// <reference types="@wdio/globals/types" />
/**
 * `deviceIt`: a mocha test whose infrastructure failures are retried on a fresh Appium session
 * (after the device is back), while product failures fail at once. Mocha's own `retries()` and
 * WDIO's `specFileRetries` retry every failure, so they are not used.
 */
import { browser } from '@wdio/globals';
import { isInfrastructureFailure } from './failure-class.ts';

/** Attempts per test: the first plus one retry after an infrastructure failure. */
export const ATTEMPTS = Number(process.env.RIO_UI_ATTEMPTS ?? 2);
/** A restarted vdevice/phone is re-connected by the adb server within a few seconds; allow a margin. */
const SESSION_RECOVERY_MS = 30_000;

export interface AttemptInfo {
  attempt: number;
  /** errors of the earlier attempts (evidence kept in the report and the store) */
  previous: string[];
}

/** Registers a test that retries infrastructure failures; `onAttemptEnd` records every attempt. */
export function deviceIt(title: string, body: (info: AttemptInfo) => Promise<void>,
  onAttemptEnd?: (info: AttemptInfo, error: unknown, infra: boolean) => Promise<void>): void {
  it(title, async function () {
    const previous: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const info = { attempt, previous: [...previous] };
      try {
        await body(info);
        await onAttemptEnd?.(info, undefined, false);
        return;
      } catch (err) {
        const infra = await failedOnInfrastructure(err);
        await onAttemptEnd?.(info, err, infra).catch(() => {});
        if (!infra || attempt >= ATTEMPTS) {
          if (infra && err instanceof Error) err.message = `infrastructure failure after ${attempt} attempts: ${err.message}`;
          throw err;
        }
        const msg = err instanceof Error ? err.message : String(err);
        previous.push(msg);
        console.log(`[rio] attempt ${attempt} of '${title}' hit an infrastructure failure, retrying on a new session: ${msg}`);
        await recoverSession();
      }
    }
  });
}

/**
 * An infrastructure failure by its message, or any failure while the device no longer answers:
 * WDIO's waits (waitForExist…) swallow command errors and report a timeout, so a device that
 * vanished mid-wait would otherwise look like the app not showing something.
 */
async function failedOnInfrastructure(err: unknown): Promise<boolean> {
  if (isInfrastructureFailure(err)) return true;
  try {
    await browser.getWindowRect();
    return false;
  } catch (probeErr) {
    return isInfrastructureFailure(probeErr);
  }
}

/** Opens a new session on the same device, waiting for it to come back online. */
async function recoverSession(): Promise<void> {
  const deadline = Date.now() + SESSION_RECOVERY_MS;
  for (;;) {
    try {
      await browser.reloadSession();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
