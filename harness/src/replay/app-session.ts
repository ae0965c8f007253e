/**
 * One app start for many scenarios (CONTRACT.md "Playlist"): push the playlist and the first
 * manifest, `am start -W` once, then follow every scenario's markers from that moment — a scenario
 * that ends while the harness is still storing the one before is not missed. Later manifests are
 * pushed while the app works, each after its frames (`prepare`), so the app never waits for a push
 * the harness could have done earlier.
 */
import { RioError } from '../errors.ts';
import { appRunDir, APP_PACKAGE, benchmarkStartCommand, manifestOf, parseMarker, playlistOf, playlistPath,
  type Manifest, type ManifestCamera } from '../../../android-demo/contract/index.ts';
import type { AdbDevice } from '../devices/adb-device.ts';
import { ADB_PROBE_TIMEOUT_MS } from '../devices/call-deadlines.js';
import type { LogcatFeed } from './logcat-feed.ts';
import { isCrashOf } from './app-crash.ts';

/** One scenario of a session, as the manifest names it. */
export interface SessionScenario {
  appRunId: string;
  scenarioId: string;
  frames: readonly { index: number; sha256: string }[];
  /** the camera that shot the frames (the manifest's `camera`), when the scenario knows it */
  camera?: ManifestCamera;
  /** this scenario's deadline from the moment its turn comes (the previous one ended, or the start) */
  timeoutMs: number;
}

export interface SessionOptions {
  sessionId: string;
  warmup: number;
  threads: number;
  delegate: string;
  fps: number;
  saveCrops: boolean;
  /** longest silence between markers (like testOutputTimeoutMillis): catches hangs early */
  stallMs: number;
}

/** How long the app waits for a manifest the harness is still pushing frames for. */
export const MANIFEST_WAIT_MS = 120_000;

type Turn = { state: 'waiting' } | { state: 'done' } | { state: 'failed'; error: RioError };

export class AppSession {
  readonly manifests: Manifest[];
  /** when each scenario's turn began (performance.now()), for its deadline and its timings */
  readonly turnStartedAt: number[] = [];
  private turns: Turn[];
  private current = 0;
  private ended: RioError | undefined;
  /** the scenario whose turn it was when the session ended: later ones never started */
  private endedAt = Infinity;
  private waiters = new Set<() => void>();
  private unsubscribe: () => void = () => undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  private constructor(readonly adb: AdbDevice, readonly scenarios: readonly SessionScenario[], readonly opts: SessionOptions,
    private readonly onProgress: (position: number, done: number, total: number) => void) {
    this.manifests = scenarios.map((s) => manifestOf(s.appRunId, s.scenarioId, s.frames, s.camera));
    this.turns = scenarios.map(() => ({ state: 'waiting' }));
  }

  /**
   * Starts the app on `scenarios`; `prepare(k)` makes scenario k's frames present on the device.
   * Resolves once `am start -W` returned (the app is running); a failure before that rejects and
   * stops the app. Push failures of later manifests fail the scenarios that needed them.
   */
  static async start(adb: AdbDevice, logcat: LogcatFeed, scenarios: readonly SessionScenario[], opts: SessionOptions,
    prepare: (position: number) => Promise<void>, onProgress: (position: number, done: number, total: number) => void): Promise<AppSession> {
    const s = new AppSession(adb, scenarios, opts, onProgress);
    try {
      if (!logcat.isOpen) await logcat.start(adb);
      s.follow(logcat);
      await prepare(0);
      await adb.pushMany([
        { from: Buffer.from(JSON.stringify(playlistOf(opts.sessionId, scenarios.map((x) => x.appRunId)))), to: playlistPath(opts.sessionId) },
        s.manifestPush(0),
      ]);
      s.beginTurn(0);
      const am = await adb.shell(benchmarkStartCommand({ runId: opts.sessionId, playlist: playlistPath(opts.sessionId), manifestWaitMs: MANIFEST_WAIT_MS,
        warmup: opts.warmup, threads: opts.threads, delegate: opts.delegate, fps: opts.fps, saveCrops: opts.saveCrops }), scenarios[0]!.timeoutMs);
      if (/^Error:|Exception/m.test(am)) throw new RioError('APP_CRASH', `am start failed: ${am.trim().split('\n').slice(-2).join(' ')}`, { device: adb.serial });
    } catch (err) {
      s.end(err instanceof RioError ? err : new RioError('ADB_ERROR', String(err), { device: adb.serial }));
      await s.stop();
      throw err;
    }
    void s.pushRest(prepare);
    return s;
  }

  /** Resolves when scenario `position` announced RIO_DONE; rejects when the session ended before it. */
  async done(position: number): Promise<void> {
    for (;;) {
      const t = this.turns[position]!;
      if (t.state === 'done') return;
      if (t.state === 'failed') throw t.error;
      await new Promise<void>((r) => this.waiters.add(r));
    }
  }

  /** True when scenario `position` never began: the session ended on an earlier one (it is not an attempt). */
  neverStarted(position: number): boolean { return position > this.endedAt; }

  /** Stops the app (a hung or half-finished session must not run into the next one) and removes the session's files. */
  async stop(): Promise<void> {
    this.end(new RioError('APP_CRASH', 'the session was stopped', { device: this.adb.serial }));
    await this.adb.shell(`am force-stop ${APP_PACKAGE}`, ADB_PROBE_TIMEOUT_MS).catch(() => undefined);
  }

  /** Ends following without stopping the app: it finished (RIO_SESSION_DONE) or every result is in. */
  close(): void {
    this.unsubscribe();
    clearTimeout(this.stallTimer);
    clearTimeout(this.deadlineTimer);
  }

  /** The session's own folder (playlist.json): removed once the app is done with it. */
  get sessionDir(): string { return appRunDir(this.opts.sessionId); }

  private manifestPush(k: number) {
    return { from: Buffer.from(JSON.stringify(this.manifests[k])), to: `${appRunDir(this.scenarios[k]!.appRunId)}/manifest.json` };
  }

  /** Frames, then the manifest, for each later scenario in order, while the app works on the earlier ones. */
  private async pushRest(prepare: (position: number) => Promise<void>): Promise<void> {
    for (let k = 1; k < this.scenarios.length && !this.ended; k++) {
      try {
        await prepare(k);
        await this.adb.pushMany([this.manifestPush(k)]);
      } catch (err) {
        const e = err instanceof RioError ? err : new RioError('ADB_ERROR', String(err), { device: this.adb.serial });
        return this.end(new RioError(e.code, `pushing scenario ${this.scenarios[k]!.scenarioId}: ${e.message}`, { device: this.adb.serial }, { cause: e }));
      }
    }
  }

  private follow(logcat: LogcatFeed): void {
    const index = new Map(this.scenarios.map((s, k) => [s.appRunId, k]));
    this.unsubscribe = logcat.subscribe((e) => {
      if (isCrashOf(APP_PACKAGE, e.tag, e.message)) return this.end(new RioError('APP_CRASH', `app crashed: ${e.message}`, { device: this.adb.serial }));
      const m = parseMarker(e.tag, e.message);
      if (!m) return;
      if (m.kind === 'sessionDone' && m.run === this.opts.sessionId) {
        return this.end(new RioError('APP_CRASH', `the app ended the session after ${m.scenarios} scenarios without finishing this one`, { device: this.adb.serial }));
      }
      const k = index.get(m.run);
      if (k === undefined) return;
      this.armStall();
      if (m.kind === 'progress') this.onProgress(k, m.done, m.total);
      else if (m.kind === 'done' && this.turns[k]!.state === 'waiting') {
        this.turns[k] = { state: 'done' };
        if (k === this.current) this.beginTurn(k + 1);
        this.wake();
      }
    }, (err) => this.end(new RioError('DEVICE_GONE', `logcat ended: ${err?.message ?? 'device disconnected'}`, { device: this.adb.serial })));
    this.armStall();
  }

  /** Scenario k's turn: its deadline runs from now (the app moved on to it). */
  private beginTurn(k: number): void {
    this.current = k;
    clearTimeout(this.deadlineTimer);
    if (k >= this.scenarios.length) { clearTimeout(this.stallTimer); return; }
    this.turnStartedAt[k] = performance.now();
    const s = this.scenarios[k]!;
    this.deadlineTimer = setTimeout(() => this.end(new RioError('TIMEOUT', `scenario ${s.scenarioId} did not finish within ${s.timeoutMs} ms`, { device: this.adb.serial })), s.timeoutMs);
  }

  private armStall(): void {
    clearTimeout(this.stallTimer);
    if (this.current >= this.scenarios.length) return;
    this.stallTimer = setTimeout(() => this.end(new RioError('TIMEOUT', `no progress from the app for ${this.opts.stallMs} ms (stalled)`, { device: this.adb.serial })), this.opts.stallMs);
  }

  /** The session is over for every scenario not done yet: they fail with `error`. */
  private end(error: RioError): void {
    if (this.ended) return;
    this.ended = error;
    this.endedAt = this.current;
    this.close();
    this.turns = this.turns.map((t) => (t.state === 'waiting' ? { state: 'failed', error } : t));
    this.wake();
  }

  private wake(): void { for (const w of this.waiters) w(); this.waiters.clear(); }
}
