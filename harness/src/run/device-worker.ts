/**
 * Everything one device does in a run, start to end: lease, fingerprint, health pre-flight,
 * install (when the sha256 differs), then its work items in app sessions (scenario-session.ts)
 * with a health/thermal check before each session, frames pushed as each scenario needs them
 * (what is missing), and retries of infrastructure failures only.
 */
import { RioError } from '../errors.ts';
import type { WorkItemRow } from '../store/rows.ts';
import { DeviceLease } from '../lease/device-lease.ts';
import { readFingerprint, modelLabel } from '../fingerprint/device-fingerprint.ts';
import { preflight } from '../health/preflight.ts';
import { readDeviceState, type DeviceState } from '../health/device-state.ts';
import { ensureInstalled } from '../install/apk-install.ts';
import { pushFrames, type FrameFile } from '../install/frame-push.ts';
import { LogcatFeed } from '../replay/logcat-feed.ts';
import { APP_PACKAGE, FRAMES_DIR } from '../../../android-demo/contract/app-identity.ts';
import { AdbDevice } from '../devices/adb-device.ts';
import { ADB_PROBE_TIMEOUT_MS } from '../devices/call-deadlines.js';
import { runScenarioSession, SESSION_MAX_SCENARIOS } from './scenario-session.ts';
import { recover } from './device-session.ts';
import type { RunContext } from './run-context.ts';

/** Health failures in one run after which a device is quarantined (taken out of runs for a while). */
export const QUARANTINE_AFTER = 2;
export const QUARANTINE_MS = 60 * 60_000;

export async function runDevice(ctx: RunContext, serial: string): Promise<void> {
  const adb = new AdbDevice(ctx.client, serial);
  const logcat = new LogcatFeed();
  const { store, runId } = ctx;
  // Events and samples annotate the run: a store error writing one is reported, and must not take
  // the device (and its remaining scenarios) out of the run.
  const unrecorded = (what: string) => (err: Error) => ctx.progress.note(`${serial}: ${what} not stored: ${err?.message ?? err}`);
  const event = (kind: string, detail: string | null) => store.addEvent({ run_id: runId, serial, at: Date.now(), kind, detail }).catch(unrecorded(`event ${kind}`));
  const sample = (phase: string) => async (s: DeviceState) => {
    await store.addSample({ run_id: runId, serial, at: Date.now(), phase, thermal_status: s.thermalStatus, battery_temp_c: s.batteryTempC, battery_level: s.batteryLevel })
      .catch(unrecorded(`${phase} sample`));
  };
  let healthFailures = 0;
  let failures = 0;
  /** items taken from the queue and not yet settled: they go back to it if the device fails */
  let held: WorkItemRow[] = [];
  let lease: DeviceLease | undefined;
  const present = new Set<string>();

  /** Pre-flight with cool-down; a second failure in this run quarantines the device. */
  const healthGate = async (phase: string): Promise<DeviceState> => {
    for (;;) {
      try {
        ctx.progress.update(serial, { phase: phase === 'preflight' ? 'health' : 'cool-down check' });
        const report = await preflight(adb, ctx.opts.health, (s, p) => sample(p)(s), phase, ctx.signal);
        if (report.cooledMs > 0) await event('cooldown', `${phase}: waited ${Math.round(report.cooledMs / 1000)} s to cool (${report.samples.length} samples)`);
        return report.state;
      } catch (err) {
        if (!(err instanceof RioError) || err.failureClass !== 'infrastructure') throw err;
        healthFailures++;
        await store.upsertRunDevice({ run_id: runId, serial, health_failures: healthFailures });
        await event('health-failed', `${err.code}: ${err.message}`);
        if (healthFailures >= QUARANTINE_AFTER) {
          await store.quarantine(serial, Date.now() + QUARANTINE_MS, err.message);
          await event('quarantined', err.message);
          throw new RioError('DEVICE_UNHEALTHY', `quarantined after ${healthFailures} failed health checks: ${err.message}`, { device: serial });
        }
        if (!await recover(ctx.client, adb, logcat, ctx.opts.reconnectWaitMs)) throw err;
      }
    }
  };

  /** What the device's frame folder held when first listed: later pushes skip it without listing again. */
  let onDevice: Map<string, number> | undefined;
  const pushed = { files: 0, skipped: 0, bytes: 0, ms: 0 };
  /**
   * Pushes the frames of `scenarioIds` the device lacks. `quiet`: in the background of a session
   * (the progress line shows the replay, not the push).
   */
  const ensureFrames = async (scenarioIds: Iterable<string>, quiet = false) => {
    const files: FrameFile[] = [];
    for (const id of scenarioIds) for (const f of ctx.scenarios.get(id)!.frames) if (!present.has(f.sha256)) files.push({ sha256: f.sha256, path: f.path });
    if (files.length === 0) return;
    onDevice ??= await adb.list(FRAMES_DIR);
    if (!quiet) ctx.progress.update(serial, { phase: 'push' });
    const r = await pushFrames(adb, files, quiet ? undefined : (done, total) => ctx.progress.update(serial, { framesDone: done, framesTotal: total }), onDevice);
    for (const f of files) present.add(f.sha256);
    pushed.files += r.files; pushed.skipped += r.skipped; pushed.bytes += r.bytes; pushed.ms += r.ms;
    await store.upsertRunDevice({ run_id: runId, serial, push_files: pushed.files, push_skipped: pushed.skipped, push_bytes: pushed.bytes, push_ms: pushed.ms });
  };

  try {
    ctx.progress.update(serial, { phase: 'lease' });
    lease = await DeviceLease.acquire(store, serial, runId);
    await store.upsertRunDevice({ run_id: runId, serial, status: 'running' });
    ctx.progress.update(serial, { phase: 'fingerprint' });
    const fp = await readFingerprint(adb);
    const fingerprintId = await store.recordDevice(fp);
    ctx.progress.update(serial, { label: `${serial} ${modelLabel(fp)}` });
    await store.upsertRunDevice({ run_id: runId, serial, fingerprint_id: fingerprintId });
    await healthGate('preflight');

    ctx.progress.update(serial, { phase: 'install' });
    const install = await ensureInstalled(adb, ctx.apk).catch(async (err: RioError) => {
      await event('install-failed', err.message);
      if (!await recover(ctx.client, adb, logcat, ctx.opts.reconnectWaitMs)) throw err;
      return ensureInstalled(adb, ctx.apk); // one more try; a second failure fails the device
    });
    await store.upsertRunDevice({ run_id: runId, serial, install_action: install.action, install_ms: install.ms });
    // Only the first scenario's frames before the app starts: the rest are pushed while it works.
    await store.upsertRunDevice({ run_id: runId, serial, push_files: 0, push_skipped: 0, push_bytes: 0, push_ms: 0 });
    await logcat.start(adb);

    let done = 0;
    // one app start fixes the replay fps: a session holds scenarios that share it
    const startKey = (it: WorkItemRow) => String(ctx.opts.fps ?? ctx.scenarios.get(it.scenario_id)!.fps);
    for (;;) {
      if (ctx.signal.aborted) break;
      const batch = await ctx.queue.takeBatch(serial, SESSION_MAX_SCENARIOS, startKey);
      if (batch.length === 0) break;
      held = batch;
      // Renewed before every session (and checked before each of its scenarios), not only on its
      // timer: a harness that cannot prove it still holds the device (another harness took it
      // over, or the store refused renewals until it expired) must not start work there. The
      // items go back to the queue with the rest of the device's work.
      if (!await lease.renew()) {
        await event('lease-lost', lease.lostBecause);
        throw new RioError('DEVICE_UNHEALTHY', `lease lost: ${lease.lostBecause}; no more work starts on this device`, { device: serial });
      }
      ctx.progress.update(serial, { scenario: batch[0]!.scenario_id, itemsTotal: Math.max(done + batch.length + ctx.queue.ownCount(serial), 1), itemsDone: done, framesDone: 0, framesTotal: 0 });
      await ensureFrames([batch[0]!.scenario_id]);
      const before = await healthGate(`before:${batch[0]!.scenario_id}`);
      ctx.progress.update(serial, { phase: 'replay' });
      const leaseNow = lease;
      const run = await runScenarioSession(ctx, adb, logcat, batch, before.thermalStatus ?? 0, {
        ensureFrames: (ids) => ensureFrames(ids, true),
        mayStart: () => leaseNow.renew(),
        onProgress: (item, d, t) => ctx.progress.update(serial, { scenario: item.scenario_id, framesDone: d, framesTotal: t }),
        onAttempt: async (item, r) => {
          if (!r.ok) return;
          ctx.progress.update(serial, { itemsDone: ++done });
          // Its rows are stored: a listener failing (an upload refused) must not undo or fail the item.
          await ctx.onItemDone?.(item).catch((err: Error) => ctx.progress.note(`${serial}: after ${item.scenario_id}: ${err.message}`));
        },
      });
      ctx.queue.giveBack(serial, run.unstarted);
      const failed = run.attempted.filter((a) => !a.result.ok);
      held = failed.map((a) => a.item);
      for (const { item, result } of failed) {
        const err = result.error!;
        ctx.progress.update(serial, { failures: ++failures });
        await event('attempt-failed', `${item.scenario_id}: ${err.code}: ${err.message}`);
        const settled = () => { held = held.filter((h) => h !== item); };
        if (err.failureClass !== 'infrastructure' || err.code === 'INTERNAL_ERROR') {
          await store.failItem(item.id);
          settled();
          continue;
        }
        const exhausted = (ctx.attemptsUsed.get(item.id) ?? 0) >= 1 + ctx.opts.retries;
        ctx.progress.update(serial, { phase: 'reconnect' });
        const back = await recover(ctx.client, adb, logcat, ctx.opts.reconnectWaitMs);
        if (exhausted) {
          await store.failItem(item.id);
          await event('item-failed', `${item.scenario_id}: retries exhausted`);
          settled();
          if (!back) throw err;
          continue;
        }
        if (!back) {
          await event('device-lost', `${err.code}: work moves to other devices`);
          throw err;
        }
        ctx.queue.retryHere(serial, item);
        settled();
      }
      held = [];
    }
    // The check before each scenario samples between scenarios; this one closes the series.
    await readDeviceState(adb).then(sample('final')).catch(() => undefined);
    await store.upsertRunDevice({ run_id: runId, serial, status: 'done' });
    ctx.progress.update(serial, { phase: 'done', scenario: '' });
    ctx.queue.leave(serial);
  } catch (err) {
    const e = err instanceof RioError ? err : new RioError('INTERNAL_ERROR', (err as Error)?.stack ?? String(err), { device: serial });
    await store.upsertRunDevice({ run_id: runId, serial, status: healthFailures >= QUARANTINE_AFTER ? 'quarantined' : 'failed', error_code: e.code, error_message: e.message }).catch(() => undefined);
    await event('device-failed', `${e.code}: ${e.message}`).catch(() => undefined);
    ctx.progress.update(serial, { phase: `failed: ${e.code}` });
    ctx.progress.note(`${serial}: ${e.code}: ${e.message} — its remaining work goes to other devices`);
    ctx.queue.abandonDevice(serial, held);
  } finally {
    logcat.stop();
    await adb.shell(`am force-stop ${APP_PACKAGE}`, ADB_PROBE_TIMEOUT_MS).catch(() => undefined);
    await lease?.release().catch(() => undefined);
  }
}
