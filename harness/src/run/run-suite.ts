/**
 * `rio-farm run`: one suite on every device in parallel, from device discovery to reports. Also
 * `--resume RUN_ID`: the same run continued after its harness died, doing only unfinished work.
 */
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import { resolve, join } from 'node:path';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { RioError, ExitCode } from '../errors.ts';
import { openStore, type Store } from '../store/index.ts';
import { truthId, type TruthFrameFields } from '../store/truth-id.ts';
import type { RunStatus, ScenarioFrameRow, WorkItemRow } from '../store/rows.ts';
import { buildSuite, type BuiltScenario, type BuiltSuite } from '../../../scenarios/generator/index.ts';
import { ensureDemoApk, demoQuarterTurn, APK_DIR } from '../../../android-demo/apk/index.ts';
import { buildApk } from '../../../android-demo/apk/build-apk.ts';
import { apkInfo } from '../install/apk-install.ts';
import { computeAggregates } from '../metrics/aggregate.ts';
import { lightingKey } from '../metrics/lighting.ts';
import type { FrameTruth } from '../metrics/frame-measurements.ts';
import { readFingerprint, modelLabel } from '../fingerprint/device-fingerprint.ts';
import { ensureAdbServer, adbClient, onlineDevices, DEFAULT_ADB_PORT, type AdbServerClient } from '../devices/index.ts';
import { onInterrupt } from './interrupts.ts';
import { writeReports } from '../report/write-reports.ts';
import { uploadRun } from '../report/upload.ts';
import { AdbDevice } from '../devices/adb-device.ts';
import { runDevice } from './device-worker.ts';
import { recordPendingFailures } from './run-context.ts';
import { planWork } from './work-plan.ts';
import { WorkQueue } from './work-queue.ts';
import { RunProgress } from './progress.ts';
import { startLocalVdevices, type LocalVdevices } from './local-vdevices.ts';
import { newRunId } from './run-id.ts';
import { validateRunOptions, type RunOptions } from './run-options.ts';
import { APP_PACKAGE } from '../../../android-demo/contract/app-identity.ts';
import { leaseHolder, holderGone } from '../lease/lease-holder.ts';

export interface RunSummary { runId: string; status: RunStatus; exitCode: number; outDir: string; store: string }

export interface RunHooks {
  progress?: RunProgress;
  /** faults for self-started vdevices, one list per vdevice (tests) */
  vdeviceFaults?: string[][];
  /** print the final table on stdout (default true; `signoff` runs many short blocks and prints its own) */
  printTable?: boolean;
  /** stops the run like an interrupt does (`rio-farm agent`: its job was fenced or the agent is stopping) */
  signal?: AbortSignal;
  /** hears each work item as it is stored done (`rio-farm agent` uploads per scenario) */
  onItemDone?: (item: WorkItemRow) => Promise<void>;
}

export async function runSuite(input: RunOptions & { resume?: string }, hooks: RunHooks = {}): Promise<RunSummary> {
  const progress = hooks.progress ?? new RunProgress();
  const store = await openStore(input.db);
  let local: LocalVdevices | undefined;
  let closeAdbConnections = () => {};
  const abort = new AbortController();
  const stopListening = onInterrupt(() => abort.abort(), (line) => progress.note(line));
  const stopOnSignal = () => abort.abort();
  if (hooks.signal?.aborted) abort.abort(); else hooks.signal?.addEventListener('abort', stopOnSignal, { once: true });
  try {
    const { runId, opts, resumed } = await startOrResume(store, input);
    const suite = selectScenarios(await buildSuite(opts.suite), opts.scenarios);
    if (suite.scenarios.length === 0) throw new RioError('BAD_SCENARIO', `suite ${opts.suite} has no scenarios`, { suite: opts.suite });
    const apk = apkInfo(await resolveApk(opts), APP_PACKAGE);
    const outDir = resolve(opts.out ?? join('reports', runId));
    mkdirSync(outDir, { recursive: true });
    progress.note(`${resumed ? 'resuming' : 'run'} ${runId}: suite ${opts.suite}, store ${opts.db}, reports ${outDir}`);

    const adbPort = await ensureAdbServer(Number(process.env.ANDROID_ADB_SERVER_PORT ?? DEFAULT_ADB_PORT));
    const client = adbClient(adbPort);
    closeAdbConnections = () => client.closeAll();
    let serials = await onlineDevices(client);
    if (opts.devices !== 'all') {
      const missing = opts.devices.filter((s) => !serials.includes(s));
      if (missing.length && !resumed) throw new RioError('BAD_ARGUMENT', `device(s) not attached: ${missing.join(', ')}`, { option: '--devices' });
      serials = serials.filter((s) => (opts.devices as string[]).includes(s));
    }
    if (serials.length === 0) {
      progress.note(`no device attached: starting ${opts.vdevices} virtual device(s) (embedded default; results are labelled virtual)`);
      local = await startLocalVdevices({ count: opts.vdevices, adbPort, profiles: opts.vdeviceProfiles, faults: hooks.vdeviceFaults, home: opts.vdeviceHome });
      serials = local.serials;
      progress.note(`started vdevices ${serials.join(', ')}`);
    }
    serials = await withoutQuarantined(store, serials, opts, progress);
    if (serials.length === 0) throw new RioError('DEVICE_UNHEALTHY', 'every attached device is quarantined');

    // Models first: --shard splits work within a model, and labels need them.
    const groups = new Map<string, string>();
    const virtual = new Map<string, boolean>();
    await Promise.all(serials.map(async (s) => {
      try {
        const fp = await readFingerprint(new AdbDevice(client, s));
        groups.set(s, modelLabel(fp));
        virtual.set(s, fp.virtual);
      } catch { groups.set(s, ''); }
    }));

    const scenarios = new Map(suite.scenarios.map((s) => [s.id, s]));
    if (!resumed) {
      await recordRunStart(store, runId, opts, apk.sha256, outDir, serials, groups, suite, serials.every((s) => virtual.get(s)));
    }
    const items = (await store.workItems(runId)).filter((i) => i.status === 'pending');
    const attemptsUsed = new Map<string, number>();
    for (const a of await store.attempts(runId)) attemptsUsed.set(a.item_id, Math.max(attemptsUsed.get(a.item_id) ?? 0, a.attempt));
    for (const i of items) if (!scenarios.has(i.scenario_id)) throw new RioError('BAD_SCENARIO', `resumed run needs scenario ${i.scenario_id}, no longer in suite ${opts.suite}`);
    if (resumed) progress.note(`${items.length} work item(s) left to do`);

    const queue = new WorkQueue(items, (s) => groups.get(s) ?? '', opts.shard, serials);
    const ctx = {
      runId, opts, store, client, outDir, apk, scenarios, truth: truthMaps(suite.scenarios), queue, progress, attemptsUsed, groups,
      signal: abort.signal, unrecordedFailures: new Map(), onItemDone: hooks.onItemDone,
    };
    progress.start();
    await Promise.all(serials.map((s) => runDevice(ctx, s)));
    progress.stop();
    await recordPendingFailures(ctx);
    for (const id of ctx.unrecordedFailures.keys()) progress.note(`the failure of attempt ${id} could not be stored (its evidence is on disk)`);
    for (const it of queue.stranded()) await store.failItem(it.id);

    return await finishRun(store, runId, opts, outDir, suite, progress, abort.signal.aborted, hooks.printTable ?? true);
  } finally {
    // Whatever happened, close everything this run opened: devices attached before the run keep
    // their adb connections alive, and one left open keeps this process from ever exiting.
    stopListening();
    hooks.signal?.removeEventListener('abort', stopOnSignal);
    progress.stop();
    closeAdbConnections();
    if (local) { progress.note('stopping the vdevices this run started'); await local.stop(); }
    await store.close();
  }
}

/**
 * --apk as given; --model builds the vdevice demo APK around that .tflite with the released
 * quarter-turn classifier beside it (cached by both sha256s; phones need the Gradle-built app);
 * neither: the default demo APK.
 */
export async function resolveApk(opts: Pick<RunOptions, 'apk' | 'model'>): Promise<string> {
  if (opts.apk && opts.model) throw new RioError('BAD_ARGUMENT', '--apk and --model exclude each other (the model lives inside the APK)', { option: '--model' });
  if (opts.apk) return opts.apk;
  if (!opts.model) return (await ensureDemoApk()).path;
  let bytes: Buffer;
  try { bytes = readFileSync(opts.model); } catch (err) {
    throw new RioError('BAD_MODEL', `cannot read model: ${(err as Error).message}`, { file: opts.model });
  }
  if (bytes.subarray(4, 8).toString('latin1') !== 'TFL3') throw new RioError('BAD_MODEL', 'not a .tflite flatbuffer (no TFL3 identifier)', { file: opts.model });
  const quarterTurn = demoQuarterTurn();
  const key = createHashHex(bytes.toString('latin1')) + (quarterTurn ? createHashHex(Buffer.from(quarterTurn).toString('latin1')) : '');
  const path = join(APK_DIR, `rio-demo-model-${createHashHex(key).slice(0, 16)}.apk`);
  if (!existsSync(path)) {
    mkdirSync(APK_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await buildApk({ detector: bytes, ...(quarterTurn ? { quarterTurn } : {}) }, tmp);
    renameSync(tmp, path);
  }
  return path;
}

function selectScenarios(suite: BuiltSuite, ids?: string[]): BuiltSuite {
  if (!ids?.length) return suite;
  const unknown = ids.filter((id) => !suite.scenarios.some((s) => s.id === id));
  if (unknown.length) throw new RioError('BAD_ARGUMENT', `suite ${suite.name} has no scenario ${unknown.join(', ')}`, { option: '--scenario' });
  return { ...suite, scenarios: suite.scenarios.filter((s) => ids.includes(s.id)) };
}

async function startOrResume(store: Store, input: RunOptions & { resume?: string }) {
  if (!input.resume) return { runId: newRunId(), opts: validateRunOptions(input), resumed: false };
  const run = await store.getRun(input.resume);
  if (!run) throw new RioError('NOT_FOUND', `no run ${input.resume} in ${input.db}`, { run: input.resume });
  let stored: RunOptions;
  try { stored = JSON.parse(run.options_json) as RunOptions; } catch {
    throw new RioError('BAD_ARGUMENT', `run ${run.id} has unreadable stored options`, { option: '--resume' });
  }
  // The stored options are data: validated exactly like fresh ones. The store and the upload address
  // come from this command line only — a stored `upload` is never used unless --upload is given again.
  const opts = validateRunOptions({ ...stored, db: input.db, upload: input.upload });
  await refuseIfStillRunning(store, run.id);
  // Attempts the dead harness left running keep their evidence but count as abandoned.
  await store.abandonRunningAttempts(run.id);
  await store.updateRun(run.id, { status: 'running', finished_at: null, exit_code: null });
  return { runId: run.id, opts, resumed: true };
}

/** A run whose harness still holds a live lease is not dead: resuming it would run its work twice. */
async function refuseIfStillRunning(store: Store, runId: string): Promise<void> {
  const me = leaseHolder();
  const live = (await store.listLeases()).find((l) => l.run_id === runId && l.holder !== me
    && Number(l.expires_at) > Date.now() && !holderGone(String(l.holder)));
  if (live) {
    throw new RioError('BAD_ARGUMENT', `run ${runId} is still running: ${live.holder} holds the lease on ${live.serial} until ${new Date(Number(live.expires_at)).toISOString()}; stop that harness first, or wait for its leases to expire`,
      { option: '--resume' });
  }
}

async function withoutQuarantined(store: Store, serials: string[], opts: RunOptions, progress: RunProgress): Promise<string[]> {
  const out: string[] = [];
  for (const s of serials) {
    const d = await store.getDevice(s);
    const named = opts.devices !== 'all' && opts.devices.includes(s); // naming a device explicitly overrides quarantine
    if (d?.quarantined_until && d.quarantined_until > Date.now() && !named) {
      progress.note(`${s}: quarantined until ${new Date(d.quarantined_until).toISOString()} (${d.quarantine_reason}); skipped`);
    } else out.push(s);
  }
  return out;
}

async function recordRunStart(store: Store, runId: string, opts: RunOptions, apkSha: string, outDir: string,
  serials: string[], groups: Map<string, string>, suite: BuiltSuite, virtualOnly: boolean): Promise<void> {
  await store.createRun({
    id: runId, suite: suite.name, status: 'running', exit_code: null, started_at: Date.now(), finished_at: null,
    host: hostname(), out_dir: outDir, apk_sha256: apkSha, app_version: null, model_sha256: null,
    options_json: JSON.stringify(opts), virtual_only: virtualOnly ? 1 : 0,
  }, opts.labels);
  for (const s of suite.scenarios) await store.recordScenario(scenarioRow(s), frameRows(s));
  const plan = planWork(runId, suite.scenarios.map((s) => ({ id: s.id, truthSha256: truthSha(s), frames: s.frames.length })),
    serials.map((s) => ({ serial: s, group: groups.get(s) ?? '' })), opts.repeat, opts.shard);
  await store.planItems(plan);
  for (const s of serials) await store.upsertRunDevice({ run_id: runId, serial: s, status: 'pending' });
}

/** The truth's identity: the hash of its frame rows (a regenerated scenario gets a new one; see store/truth-id.ts). */
export function truthSha(s: BuiltScenario): string {
  return truthId(frameFields(s));
}

const createHashHex = (s: string) => createHash('sha256').update(s, 'latin1').digest('hex');

export function scenarioRow(s: BuiltScenario) {
  return { suite: s.suite, id: s.id, truth_sha256: truthSha(s), conditions_json: JSON.stringify(s.conditions), background: s.background,
    fps: s.fps, width: s.resolution[0], height: s.resolution[1], frame_count: s.frames.length };
}

export function frameRows(s: BuiltScenario): ScenarioFrameRow[] {
  const sha = truthSha(s);
  return frameFields(s).map((f) => ({ suite: s.suite, scenario_id: s.id, truth_sha256: sha, ...f }));
}

function frameFields(s: BuiltScenario): TruthFrameFields[] {
  return s.frames.map((f) => ({ frame_index: f.index, sha256: f.sha256,
    width: f.width, height: f.height, negative: f.negative ? 1 : 0, lighting: lightingKey(f.lighting.tags),
    lighting_params_json: JSON.stringify(f.lighting.params), cards_json: JSON.stringify(f.cards) }));
}

function truthMaps(scenarios: readonly BuiltScenario[]): Map<string, Map<number, FrameTruth>> {
  return new Map(scenarios.map((s) => [s.id, new Map(s.frames.map((f) => [f.index, f]))]));
}

/** Aggregates, verdict, exit code, reports, upload. */
async function finishRun(store: Store, runId: string, opts: RunOptions, outDir: string, suite: BuiltSuite,
  progress: RunProgress, aborted: boolean, printTable: boolean): Promise<RunSummary> {
  const replayFps = new Map(suite.scenarios.map((s) => [s.id, opts.fps ?? s.fps]));
  const aggs = computeAggregates(await store.measurements(runId), { bars: opts.bars, replayFps, includeThermal: opts.includeThermal });
  await store.replaceAggregates(runId, aggs);
  const items = await store.workItems(runId);
  const infra = aborted || items.some((i) => i.status !== 'done');
  const product = aggs.some((a) => a.lighting === '*' && a.verdict === 'fail');
  // Infrastructure first: a run with missing results cannot vouch for the product either way.
  const status: RunStatus = aborted ? 'aborted' : infra ? 'infra_failure' : product ? 'product_failure' : 'passed';
  const exitCode = infra ? ExitCode.Infrastructure : product ? ExitCode.ProductFailure : ExitCode.Ok;
  await store.finishRun(runId, status, exitCode);
  const files = await writeReports(store, runId, outDir);
  if (printTable) process.stdout.write(files.table + '\n');
  progress.note(`reports: ${files.html}\n         ${files.junit}\n         ${files.json}`);
  if (opts.upload) {
    await uploadRun(opts.upload, files.json);
    progress.note(`uploaded to ${opts.upload}`);
  }
  return { runId, status, exitCode, outDir, store: opts.db };
}
