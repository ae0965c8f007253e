/** What every device worker of one run shares. */
import type { Client } from '@devicefarmer/adbkit';
import type { BuiltScenario } from '../../../scenarios/generator/types.ts';
import type { Store } from '../store/index.ts';
import type { WorkItemRow } from '../store/rows.ts';
import type { ApkInfo } from '../install/apk-install.ts';
import type { FrameTruth } from '../metrics/frame-measurements.ts';
import type { RunOptions } from './run-options.ts';
import type { WorkQueue } from './work-queue.ts';
import type { RunProgress } from './progress.ts';

export interface RunContext {
  runId: string;
  opts: RunOptions;
  store: Store;
  client: Client;
  /** absolute reports/<run-id> */
  outDir: string;
  apk: ApkInfo;
  scenarios: ReadonlyMap<string, BuiltScenario>;
  truth: ReadonlyMap<string, ReadonlyMap<number, FrameTruth>>;
  queue: WorkQueue;
  progress: RunProgress;
  /** attempts made so far per work item (from the store on --resume) */
  attemptsUsed: Map<string, number>;
  /** device serial → model group (for --shard eligibility and labels) */
  groups: Map<string, string>;
  signal: AbortSignal;
  /**
   * Attempt failures whose row could not be written (the store stayed busy): written before the
   * next attempt and at the end of the run, so no attempt is left looking 'running'.
   */
  unrecordedFailures: Map<string, AttemptFailure>;
  /** hears each work item once it is stored done (RunHooks.onItemDone) */
  onItemDone?: (item: WorkItemRow) => Promise<void>;
}

export type AttemptFailure = Parameters<Store['failAttempt']>[1];

/** Writes the attempt failures that could not be stored before; those that still fail stay queued. */
export async function recordPendingFailures(ctx: Pick<RunContext, 'store' | 'unrecordedFailures'>): Promise<void> {
  for (const [id, failure] of ctx.unrecordedFailures) {
    try {
      await ctx.store.failAttempt(id, failure);
      ctx.unrecordedFailures.delete(id);
    } catch { return; } // still busy: keep them for the next chance
  }
}
