/** What every device worker of one run shares. */
import type { Client } from '@devicefarmer/adbkit';
import type { BuiltScenario } from '../../../scenarios/generator/types.ts';
import type { Store } from '../store/index.ts';
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
}
