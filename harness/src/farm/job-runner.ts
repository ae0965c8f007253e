/**
 * One claimed job on one device, run by the same runner as `rio-farm run` (runSuite) into a store
 * of its own on the agent, with only the scenarios the job has not finished yet. After each
 * scenario the run so far is uploaded with the claim's fencing token; a 409 means the job moved on
 * (this host was presumed dead), so the run stops at once and reports nothing more.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { RioError } from '../errors.ts';
import { openStore } from '../store/index.ts';
import { exportRun } from '../store/run-export.ts';
import { buildSuite } from '../../../scenarios/generator/index.ts';
import { runSuite } from '../run/run-suite.ts';
import { DEFAULT_RUN_OPTIONS } from '../run/run-options.ts';
import { silentProgress } from '../run/progress.ts';
import type { FarmClient } from './farm-client.ts';

export interface ClaimedJobMessage {
  id: string; suite: string; repeat: number; labels: Record<string, string>; fence: number; serial: string; done_scenarios: string[];
  /** only these scenarios of the suite (null: all) */
  scenarios: string[] | null;
}

export type JobEnd = 'passed' | 'product_failure' | 'infra_failure' | 'bad_input' | 'fenced';

/** How long uploads and the final report keep trying a server that is down (a restart takes seconds). */
const SERVER_RETRY_MS = 120_000;
/** One upload of one device's run so far: small suites take milliseconds; a cut link must not hang it for long. */
const UPLOAD_TIMEOUT_MS = 15_000;

export class JobRunner {
  readonly abort = new AbortController();
  private fenced = false;
  private uploads: Promise<void> = Promise.resolve();

  constructor(readonly job: ClaimedJobMessage, private readonly client: FarmClient, private readonly workDir: string,
    private readonly note: (line: string) => void) {}

  /** The server says this claim is no longer ours: stop without reporting anything more. */
  fence(why: string): void {
    if (this.fenced) return;
    this.fenced = true;
    this.note(`job ${this.job.id} (token ${this.job.fence}) on ${this.job.serial}: fenced (${why}); stopping`);
    this.abort.abort();
  }

  async run(): Promise<JobEnd> {
    const { job } = this;
    let runId: string | null = null;
    let end: Exclude<JobEnd, 'fenced'>;
    let error: string | undefined;
    try {
      const all = (await buildSuite(job.suite)).scenarios.map((s) => s.id).filter((id) => !job.scenarios || job.scenarios.includes(id));
      const todo = all.filter((id) => !job.done_scenarios.includes(id));
      this.note(`job ${job.id} (token ${job.fence}) on ${job.serial}: ${todo.length} of ${all.length} scenario(s) to run`);
      if (todo.length === 0) {
        end = 'passed';
      } else {
        const dir = join(this.workDir, 'jobs', `${job.id}-${job.fence}`);
        mkdirSync(dir, { recursive: true });
        const db = `sqlite:${join(dir, 'rio-farm.db')}`;
        const summary = await runSuite({
          ...DEFAULT_RUN_OPTIONS, suite: job.suite, devices: [job.serial], repeat: job.repeat, scenarios: todo, db, out: join(dir, 'reports'),
          labels: { ...job.labels, farm_job: job.id, farm_fence: String(job.fence) },
        }, {
          progress: silentProgress(), printTable: false, signal: this.abort.signal,
          onItemDone: async (item) => { runId = item.run_id; await this.upload(db, item.run_id); },
        });
        runId = summary.runId;
        if (!this.fenced) await this.upload(db, summary.runId);
        await this.uploads;
        end = summary.status === 'passed' ? 'passed' : summary.status === 'product_failure' ? 'product_failure' : 'infra_failure';
        if (end === 'infra_failure') error = `run ${summary.runId} ended ${summary.status}`;
      }
    } catch (err) {
      // An unknown suite or scenario is the job's fault: dead-lettered at once, not retried against phones.
      end = err instanceof RioError && err.failureClass === 'bad-input' ? 'bad_input' : 'infra_failure';
      error = err instanceof RioError ? `${err.code}: ${err.message}` : String((err as Error)?.stack ?? err);
    }
    if (this.fenced) return 'fenced';
    try {
      await this.client.call(`/api/agent/jobs/${encodeURIComponent(job.id)}/finish`,
        { fence: job.fence, outcome: end, ...(error ? { error: error.slice(0, 4000) } : {}), ...(runId ? { run_id: runId } : {}) }, { retryForMs: SERVER_RETRY_MS });
    } catch (err) {
      if ((err as RioError).code === 'CONFLICT') { this.fence('finish refused'); return 'fenced'; }
      throw err;
    }
    this.note(`job ${job.id} (token ${job.fence}) on ${job.serial}: ${end}${error ? ` (${error.split('\n')[0]})` : ''}`);
    return end;
  }

  /** Uploads the run so far, one upload at a time per job; a 409 fences the job. */
  private upload(db: string, runId: string): Promise<void> {
    this.uploads = this.uploads.then(async () => {
      if (this.fenced) return;
      const store = await openStore(db);
      let body: string;
      try { body = JSON.stringify(await exportRun(store, runId)); } finally { await store.close(); }
      try {
        await this.client.call(`/api/agent/jobs/${encodeURIComponent(this.job.id)}/results`, body,
          { query: { fence: String(this.job.fence) }, retryForMs: SERVER_RETRY_MS, timeoutMs: UPLOAD_TIMEOUT_MS });
      } catch (err) {
        if ((err as RioError).code === 'CONFLICT') this.fence('upload refused: 409');
        else throw err;
      }
    });
    return this.uploads;
  }
}
