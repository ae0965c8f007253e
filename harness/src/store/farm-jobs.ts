/**
 * The farm's job queue (`farm_jobs`), each claim of a job (`farm_job_attempts`) and the scenarios a
 * job has finished (`farm_job_scenarios`). Plain SQL rather than a queue library: a claim must, in
 * one transaction, pick a queued job, check the device is free and not quarantined, bump the job's
 * fencing token and record the attempt — and every upload must be checked against that token in
 * the same database. `FOR UPDATE SKIP LOCKED` on PostgreSQL lets many agents claim at once; SQLite
 * (one server process, BEGIN IMMEDIATE) serialises claims anyway.
 */
import { RioError } from '../errors.ts';
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';
import { ignoreDuplicates } from './tables.ts';
import { recordDeviceOutcome } from './farm-hosts.ts';

export type JobState = 'queued' | 'running' | 'done' | 'dead';
/** bad_input: the job itself is wrong (unknown suite or scenario): dead-lettered at once, never held against the phone */
export type JobOutcome = 'passed' | 'product_failure' | 'infra_failure' | 'bad_input';

export interface FarmJobRow {
  id: string; suite: string; target_kind: 'serial' | 'model'; target: string; repeat_count: number; labels_json: string;
  /** only these scenario ids of the suite (JSON array), or null for all */
  scenarios_json: string | null;
  state: JobState; submitted_at: number; started_at: number | null; finished_at: number | null; fence: number;
  host: string | null; serial: string | null; lease_expires_at: number | null; infra_failures: number;
  outcome: string | null; dead_reason: string | null;
}
export interface FarmJobAttemptRow {
  job_id: string; fence: number; host: string; serial: string; claimed_at: number; started_at: number | null;
  ended_at: number | null; outcome: string; error: string | null; run_id: string | null;
}
export type NewJob = Pick<FarmJobRow, 'id' | 'suite' | 'target_kind' | 'target' | 'repeat_count' | 'labels_json'> & { scenarios_json?: string | null };
/** What an agent offers: a device it sees and is not busy with. */
export interface DeviceOffer { serial: string; model: string }
export interface ClaimedJob { job: FarmJobRow; fence: number; serial: string; doneScenarios: string[] }

/** How the queue treats failures (the server's settings; see server/src/farm-settings.ts). */
export interface FailurePolicy {
  /** infrastructure failures (including leases that expired) after which a job is dead-lettered */
  maxInfraFailures: number;
  /** infrastructure failures in a row after which a device is quarantined */
  quarantineAfter: number;
}

const lockRow = (db: Db) => (db.kind === 'postgres' ? ' FOR UPDATE' : '');
const skipLocked = (db: Db) => (db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');
/** PostgreSQL's unique_violation: another claim took this device first (farm_jobs_one_per_device). */
const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505' || /UNIQUE constraint failed/.test(String((err as Error)?.message));

export class FarmJobTables {
  declare readonly db: Db;

  async submitJobs(jobs: readonly NewJob[], now = Date.now()): Promise<void> {
    await this.db.tx(async (t) => {
      for (const j of jobs) {
        await t.run(...insertSql('farm_jobs', { ...j, state: 'queued', submitted_at: now, fence: 0, infra_failures: 0 }));
      }
    });
  }

  /**
   * For each offered device (free, not quarantined), the oldest queued job for its serial or model,
   * claimed with a new fencing token and a lease until now + leaseMs.
   */
  async claimJobs(host: string, offers: readonly DeviceOffer[], leaseMs: number, now = Date.now()): Promise<ClaimedJob[]> {
    const out: ClaimedJob[] = [];
    for (const offer of offers) {
      try {
        const claimed = await this.db.tx((t) => claimOne(t, host, offer, leaseMs, now));
        if (claimed) out.push(claimed);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // the device was claimed by another host in between
      }
    }
    return out;
  }

  /**
   * Extends the leases a host still holds; returns the ids of the jobs it reported that it no longer
   * holds (fenced: reaped, finished or claimed elsewhere), so the agent stops them.
   */
  async renewLeases(host: string, held: readonly { id: string; fence: number }[], leaseMs: number, now = Date.now()): Promise<string[]> {
    const lost: string[] = [];
    for (const h of held) {
      const { changes } = await this.db.run("UPDATE farm_jobs SET lease_expires_at = ? WHERE id = ? AND fence = ? AND host = ? AND state = 'running'",
        [now + leaseMs, h.id, h.fence, host]);
      if (changes === 0) lost.push(h.id);
    }
    return lost;
  }

  /** Jobs whose lease ran out (their host stopped heartbeating) go back to the queue, or to dead-letter. */
  async reapExpiredLeases(policy: FailurePolicy, now = Date.now()): Promise<string[]> {
    const expired = await this.db.all<{ id: string }>("SELECT id FROM farm_jobs WHERE state = 'running' AND lease_expires_at < ?", [now]);
    const reaped: string[] = [];
    for (const { id } of expired) {
      const done = await this.db.tx(async (t) => {
        const j = await t.get<FarmJobRow>(`SELECT * FROM farm_jobs WHERE id = ? AND state = 'running' AND lease_expires_at < ?${skipLocked(t)}`, [id, now]);
        if (!j) return false;
        await endAttempt(t, j, 'lease_expired', `no heartbeat from ${j.host} until the lease ran out`, null, policy, now);
        return true;
      });
      if (done) reaped.push(id);
    }
    return reaped;
  }

  /** Throws CONFLICT (409) unless `fence` is the job's current token and `host` holds it. */
  async checkFence(jobId: string, fence: number, host: string): Promise<void> {
    await currentJob(this.db, jobId, fence, host);
  }

  /** Records the scenarios an upload finished (first one wins; the fence is checked in the same transaction). */
  async markScenariosDone(jobId: string, fence: number, host: string, runId: string, scenarioIds: readonly string[], now = Date.now()): Promise<number> {
    return this.db.tx(async (t) => {
      await currentJob(t, jobId, fence, host);
      await t.run('UPDATE farm_job_attempts SET run_id = ?, started_at = COALESCE(started_at, ?) WHERE job_id = ? AND fence = ?', [runId, now, jobId, fence]);
      let added = 0;
      for (const s of scenarioIds) {
        added += (await t.run(...insertSql('farm_job_scenarios', { job_id: jobId, scenario_id: s, fence, run_id: runId, done_at: now }, ignoreDuplicates('farm_job_scenarios')))).changes;
      }
      return added;
    });
  }

  /** The agent's end of a claim: done (passed / product failure) or an infrastructure failure (requeued or dead-lettered). */
  async finishJob(jobId: string, fence: number, host: string, outcome: JobOutcome, error: string | null, runId: string | null,
    policy: FailurePolicy, now = Date.now()): Promise<FarmJobRow> {
    return this.db.tx(async (t) => {
      const j = await currentJob(t, jobId, fence, host);
      await endAttempt(t, j, outcome, error, runId, policy, now);
      return (await t.get<FarmJobRow>('SELECT * FROM farm_jobs WHERE id = ?', [jobId]))!;
    });
  }

  /**
   * The server was down (restarting): no agent could heartbeat, so every running lease gets one more
   * lease period from now rather than being reaped for the server's own absence.
   */
  async extendRunningLeases(leaseMs: number, now = Date.now()): Promise<number> {
    return (await this.db.run("UPDATE farm_jobs SET lease_expires_at = ? WHERE state = 'running' AND lease_expires_at < ?", [now + leaseMs, now + leaseMs])).changes;
  }

  getJob(id: string) { return this.db.get<FarmJobRow>('SELECT * FROM farm_jobs WHERE id = ?', [id]); }
  /** Jobs, newest first; only those touching `host` (running there or attempted there) when given. */
  listJobs(host?: string, limit = 200) {
    if (!host) return this.db.all<FarmJobRow>('SELECT * FROM farm_jobs ORDER BY submitted_at DESC, id LIMIT ?', [limit]);
    return this.db.all<FarmJobRow>(`SELECT * FROM farm_jobs WHERE host = ? OR id IN (SELECT job_id FROM farm_job_attempts WHERE host = ?)
      ORDER BY submitted_at DESC, id LIMIT ?`, [host, host, limit]);
  }
  jobAttempts(jobId?: string, host?: string, limit = 500) {
    return this.db.all<FarmJobAttemptRow>(`SELECT * FROM farm_job_attempts WHERE (CAST(? AS TEXT) IS NULL OR job_id = ?) AND (CAST(? AS TEXT) IS NULL OR host = ?)
      ORDER BY claimed_at DESC, job_id LIMIT ?`, [jobId ?? null, jobId ?? null, host ?? null, host ?? null, limit]);
  }
  jobScenarios(jobId: string) {
    return this.db.all<{ job_id: string; scenario_id: string; fence: number; run_id: string; done_at: number }>(
      'SELECT * FROM farm_job_scenarios WHERE job_id = ? ORDER BY scenario_id', [jobId]);
  }
}

async function claimOne(t: Db, host: string, offer: DeviceOffer, leaseMs: number, now: number): Promise<ClaimedJob | null> {
  const busy = await t.get("SELECT 1 AS x FROM farm_jobs WHERE serial = ? AND state = 'running'", [offer.serial]);
  const quarantined = await t.get('SELECT 1 AS x FROM farm_devices WHERE serial = ? AND quarantined_at IS NOT NULL', [offer.serial]);
  if (busy || quarantined) return null;
  const job = await t.get<FarmJobRow>(`SELECT * FROM farm_jobs WHERE state = 'queued'
      AND ((target_kind = 'serial' AND target = ?) OR (target_kind = 'model' AND target = ?))
    ORDER BY submitted_at, id LIMIT 1${skipLocked(t)}`, [offer.serial, offer.model]);
  if (!job) return null;
  const fence = Number(job.fence) + 1;
  await t.run(`UPDATE farm_jobs SET state = 'running', fence = ?, host = ?, serial = ?, lease_expires_at = ?, started_at = COALESCE(started_at, ?)
    WHERE id = ?`, [fence, host, offer.serial, now + leaseMs, now, job.id]);
  await t.run(...insertSql('farm_job_attempts', { job_id: job.id, fence, host, serial: offer.serial, claimed_at: now, outcome: 'running' }));
  const done = await t.all<{ scenario_id: string }>('SELECT scenario_id FROM farm_job_scenarios WHERE job_id = ? ORDER BY scenario_id', [job.id]);
  return { job: { ...job, state: 'running', fence, host, serial: offer.serial }, fence, serial: offer.serial, doneScenarios: done.map((d) => d.scenario_id) };
}

/** The job row if `fence` is current and held by `host`; CONFLICT otherwise (a late upload from a host presumed dead). */
async function currentJob(t: Db, jobId: string, fence: number, host: string): Promise<FarmJobRow> {
  const j = await t.get<FarmJobRow>(`SELECT * FROM farm_jobs WHERE id = ?${lockRow(t)}`, [jobId]);
  if (!j) throw new RioError('NOT_FOUND', `no job ${jobId}`, { job: jobId });
  if (j.state !== 'running' || Number(j.fence) !== fence || j.host !== host) {
    throw new RioError('CONFLICT', `job ${jobId}: fencing token ${fence} from ${host} is not current (job ${j.state}, token ${j.fence}${j.host ? ` held by ${j.host}` : ''})`,
      { job: jobId, fence });
  }
  return j;
}

/** Ends the job's current attempt with `outcome` and moves the job on: done, back to the queue, or dead-letter. */
async function endAttempt(t: Db, j: FarmJobRow, outcome: JobOutcome | 'lease_expired', error: string | null, runId: string | null,
  policy: FailurePolicy, now: number): Promise<void> {
  const fence = Number(j.fence);
  await t.run('UPDATE farm_job_attempts SET ended_at = ?, outcome = ?, error = ?, run_id = COALESCE(?, run_id) WHERE job_id = ? AND fence = ?',
    [now, outcome, error, runId, j.id, fence]);
  const infra = outcome === 'infra_failure' || outcome === 'lease_expired';
  if (outcome === 'bad_input') {
    // Retrying a job that names no suite cannot help, and the phone did nothing wrong.
    await t.run(`UPDATE farm_jobs SET state = 'dead', outcome = 'dead_letter', finished_at = ?, lease_expires_at = NULL, dead_reason = ? WHERE id = ?`,
      [now, `bad input: ${error ?? 'the job cannot run'}`, j.id]);
    return;
  }
  // A lost lease says nothing about the phone (the host died or lost its link): only failures the agent reports count against it.
  if (outcome !== 'lease_expired') {
    await recordDeviceOutcome(t, j.serial!, infra, `${policy.quarantineAfter} infrastructure failures in a row; last: ${error ?? outcome}`, policy.quarantineAfter, now);
  }
  if (!infra) {
    await t.run("UPDATE farm_jobs SET state = 'done', outcome = ?, finished_at = ?, lease_expires_at = NULL WHERE id = ?", [outcome, now, j.id]);
    return;
  }
  const failures = Number(j.infra_failures) + 1;
  if (failures >= policy.maxInfraFailures) {
    await t.run(`UPDATE farm_jobs SET state = 'dead', outcome = 'dead_letter', infra_failures = ?, finished_at = ?, lease_expires_at = NULL,
      dead_reason = ? WHERE id = ?`, [failures, now, `${failures} infrastructure failures (see its attempts); last: ${error ?? outcome}`, j.id]);
    return;
  }
  // Back to the queue: host and serial cleared, so the fence no longer matches anyone until the next claim.
  await t.run(`UPDATE farm_jobs SET state = 'queued', infra_failures = ?, host = NULL, serial = NULL, lease_expires_at = NULL WHERE id = ?`,
    [failures, j.id]);
}
