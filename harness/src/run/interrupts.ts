/**
 * Ctrl-C and SIGTERM for commands that must wind down cleanly (`rio-farm run`): the first signal
 * asks the command to stop and close what it opened (it still writes its reports); a second one
 * forces an exit at once, for when the user will not wait for the current attempts to end.
 */
import { ExitCode } from '../errors.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Calls `stop` on the first SIGINT/SIGTERM, exits on the second; returns the function that removes both. */
export function onInterrupt(stop: (signal: NodeJS.Signals) => void, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (++received === 1) {
      log(`rio-farm: ${signal}: stopping — finishing the current attempts, closing devices and the store, then reporting (${signal} again to exit now)`);
      stop(signal);
      return;
    }
    // The user asked twice: leave now. Self-started vdevices stop by themselves when our pipes close.
    log(`rio-farm: ${signal} again: exiting now without closing devices or writing reports (exit ${ExitCode.Infrastructure})`);
    process.exit(ExitCode.Infrastructure);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => { for (const s of SIGNALS) process.off(s, handler); };
}
