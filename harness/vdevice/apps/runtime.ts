/**
 * The activity manager: `am start` runs an installed package's host twin with an AppTwinContext
 * built here (confined paths, logcat as the app's pid, heat and duty-cycling, injected crashes,
 * abort on force-stop), tracks the foreground app for input/uiautomator/screencap, and writes
 * the log lines a phone's ActivityManager would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppCrash, type AppTwinContext, type AppTwinUi, type LogPriority, type RunningApp } from './app-twin.ts';
import { loadTwin } from './registry.ts';
import type { DeviceCore } from '../device/core.ts';
import type { Fault } from '../device/faults.ts';

export interface AppProcess {
  readonly pkg: string;
  readonly pid: number;
  readonly component: string;
  readonly controller: AbortController;
  running?: RunningApp;
  readonly startedAt: number;
}

export interface StartRequest {
  component: string;
  extras: Record<string, string | number | boolean>;
  wait: boolean;
  stopFirst: boolean;
}

export interface StartOutcome {
  lines: string[];
  status: number;
}

export class ActivityManager {
  private readonly processes = new Map<string, AppProcess>();
  private readonly firedCrashes = new Set<Fault>();
  private foregroundPkg: string | undefined;

  constructor(private readonly core: DeviceCore) {}

  pidOf(pkg: string): number | undefined {
    return this.processes.get(pkg)?.pid;
  }

  /** The app on screen, if any (input, uiautomator and screencap go to its UI). */
  foreground(): AppProcess | undefined {
    return this.foregroundPkg ? this.processes.get(this.foregroundPkg) : undefined;
  }

  foregroundUi(): AppTwinUi | undefined {
    return this.foreground()?.running?.ui;
  }

  async start(req: StartRequest): Promise<StartOutcome> {
    this.core.emit('am-start', { component: req.component });
    const slash = req.component.indexOf('/');
    const intentLine = `Starting: Intent { cmp=${req.component}${Object.keys(req.extras).length ? ' (has extras)' : ''} }`;
    if (slash <= 0) return { lines: [`Error: Bad component name: ${req.component}`], status: 1 };
    const pkgName = req.component.slice(0, slash);
    const cls = req.component.slice(slash + 1);
    const activity = cls.startsWith('.') ? pkgName + cls : cls;
    const pkg = this.core.packages.get(pkgName);
    if (!pkg || (pkg.activities.length > 0 && !pkg.activities.includes(activity))) {
      return { lines: [intentLine, 'Error type 3', `Error: Activity class {${pkgName}/${activity}} does not exist.`], status: 1 };
    }
    if (req.stopFirst) this.forceStop(pkgName, 'start -S');
    const t0 = Date.now();
    if (this.processes.has(pkgName)) {
      this.foregroundPkg = pkgName;
      return { lines: [intentLine, 'Warning: Activity not started, its current task has been brought to the front'], status: 0 };
    }
    const proc: AppProcess = { pkg: pkgName, pid: this.core.nextPid(), component: req.component, controller: new AbortController(), startedAt: t0 };
    this.processes.set(pkgName, proc);
    this.foregroundPkg = pkgName;
    this.core.logcat.append(this.core.systemPid, 'I', 'ActivityManager', `Start proc ${proc.pid}:${pkgName}/u0a${pkg.userId % 1000} for top-activity {${pkgName}/${activity}}`);
    const launched = this.launch(proc, activity, pkg.apkPath, req.extras);
    if (!req.wait) {
      void launched.catch(() => {});
      return { lines: [intentLine], status: 0 };
    }
    try {
      await launched;
    } catch {
      return { lines: [intentLine, 'Error: Activity not started, the app crashed while starting (see logcat)'], status: 1 };
    }
    const total = Date.now() - t0;
    this.core.logcat.append(this.core.systemPid, 'I', 'ActivityTaskManager', `Displayed ${pkgName}/${cls}: +${total}ms`);
    return {
      lines: [intentLine, 'Status: ok', 'LaunchState: COLD', `Activity: ${pkgName}/${cls}`, `TotalTime: ${total}`, `WaitTime: ${total + 2}`, 'Complete'],
      status: 0,
    };
  }

  /** `am force-stop`: aborts the twin and forgets the process. */
  forceStop(pkg: string, reason = 'from pid 4321'): void {
    const proc = this.processes.get(pkg);
    if (!proc) return;
    this.processes.delete(pkg);
    if (this.foregroundPkg === pkg) this.foregroundPkg = undefined;
    proc.controller.abort(new Error(`force-stop: ${reason}`));
    this.core.logcat.append(this.core.systemPid, 'I', 'ActivityManager', `Force stopping ${pkg} appid=${proc.pid} user=0: ${reason}`);
    this.core.logcat.append(this.core.systemPid, 'I', 'ActivityManager', `Killing ${proc.pid}:${pkg}/u0a100 (adj 0): stop ${pkg} due to ${reason}`);
  }

  stopAll(reason: string): void {
    for (const pkg of [...this.processes.keys()]) this.forceStop(pkg, reason);
  }

  private async launch(proc: AppProcess, activity: string, apkPath: string, extras: StartRequest['extras']): Promise<void> {
    let twin;
    try {
      twin = this.core.firmware?.twinFor(proc.pkg) ?? await loadTwin(proc.pkg, this.core.profile.app === 'recorded');
    } catch (err) {
      this.crash(proc, 'java.lang.RuntimeException', `Unable to instantiate activity ComponentInfo{${proc.component}}: host twin failed to load: ${(err as Error).message}`);
      throw err;
    }
    if (!twin) return; // no twin: an empty window until force-stop
    const ctx = this.context(proc, activity, apkPath, extras);
    try {
      proc.running = await twin.start(ctx);
    } catch (err) {
      if (!(err instanceof AppCrash)) this.crash(proc, 'java.lang.RuntimeException', `Unable to start activity ComponentInfo{${proc.component}}: ${(err as Error).message}`);
      throw err;
    }
    proc.running.done.then(
      () => {
        if (this.processes.get(proc.pkg) !== proc) return;
        this.core.logcat.append(this.core.systemPid, 'I', 'ActivityTaskManager', `Activity finished: ${proc.component}`);
        this.processes.delete(proc.pkg);
        if (this.foregroundPkg === proc.pkg) this.foregroundPkg = undefined;
        this.core.fs.resync();
      },
      (err: unknown) => {
        if (proc.controller.signal.aborted && !(err instanceof AppCrash)) return; // force-stopped
        if (!(err instanceof AppCrash)) this.crash(proc, (err as Error)?.name === 'Error' ? 'java.lang.RuntimeException' : `java.lang.${(err as Error)?.name ?? 'Error'}`, String((err as Error)?.message ?? err));
      },
    );
  }

  private context(proc: AppProcess, activity: string, apkPath: string, extras: StartRequest['extras']): AppTwinContext {
    const core = this.core;
    let lastWorkEnd: number | undefined;
    return {
      packageName: proc.pkg,
      activity,
      extras: Object.freeze({ ...extras }),
      apkHostPath: core.fs.hostPath(apkPath),
      externalFilesDir: `/sdcard/Android/data/${proc.pkg}/files`,
      signal: proc.controller.signal,
      slowdown: core.profile.slowdown ?? 1,
      hostPath: (p: string) => core.fs.hostPath(p),
      log: (priority: LogPriority, tag: string, message: string) => core.logcat.append(proc.pid, priority, tag, message),
      thermalStatus: () => core.thermal.status(),
      batteryTempC: () => core.thermal.tempC(),
      beforeWork: async (frameIndex: number) => {
        proc.controller.signal.throwIfAborted();
        const now = Date.now();
        const busy = lastWorkEnd === undefined ? 0 : (now - lastWorkEnd) / 1000;
        core.thermal.addWork(busy);
        core.emit('frame', { package: proc.pkg, frame: frameIndex });
        const crash = core.faults.find((f): f is Extract<Fault, { kind: 'crash' }> =>
          f.kind === 'crash' && f.frame === frameIndex && (!f.package || f.package === proc.pkg) && !(f.once && this.firedCrashes.has(f)));
        if (crash) {
          this.firedCrashes.add(crash);
          const message = `injected fault: crash at frame ${frameIndex}`;
          this.crash(proc, 'java.lang.IllegalStateException', message);
          throw new AppCrash(message);
        }
        const throttle = core.thermal.throttleSeconds(busy);
        if (throttle > 0) await sleep(throttle * 1000, undefined, { signal: proc.controller.signal });
        lastWorkEnd = Date.now();
      },
    };
  }

  /** Writes Android's crash report for the process and kills it. */
  private crash(proc: AppProcess, exception: string, message: string): void {
    const log = (m: string) => this.core.logcat.append(proc.pid, 'E', 'AndroidRuntime', m);
    log('FATAL EXCEPTION: main');
    log(`Process: ${proc.pkg}, PID: ${proc.pid}`);
    log(`${exception}: ${message}`);
    log(`\tat ${proc.pkg}.BenchmarkRunner.run(BenchmarkRunner.kt:1)`);
    log('\tat android.os.Handler.handleCallback(Handler.java:958)');
    if (this.processes.get(proc.pkg) === proc) {
      this.processes.delete(proc.pkg);
      if (this.foregroundPkg === proc.pkg) this.foregroundPkg = undefined;
    }
    proc.controller.abort(new AppCrash(message));
    this.core.logcat.append(this.core.systemPid, 'I', 'ActivityManager', `Process ${proc.pkg} (pid ${proc.pid}) has died: fg  TOP`);
  }
}
