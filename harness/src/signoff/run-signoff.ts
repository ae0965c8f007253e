/**
 * `rio-farm signoff`: candidate against baseline on every device, in ABBA units of blocks on the
 * same frames, until the policy's minimums are met and no gate is undecided (or the budget is
 * spent); then the signed report. Devices run in parallel; each block goes through runSuite.
 */
import { terminalText } from '../devices/terminal-text.ts';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, RioError } from '../errors.ts';
import { openStore, type Store } from '../store/index.ts';
import { buildSuite } from '../../../scenarios/generator/index.ts';
import { ensureAdbServer, adbClient, onlineDevices, DEFAULT_ADB_PORT } from '../devices/index.ts';
import { readFingerprint } from '../fingerprint/device-fingerprint.ts';
import { AdbDevice } from '../devices/adb-device.ts';
import { startLocalVdevices, type LocalVdevices } from '../run/local-vdevices.ts';
import { truthSha } from '../run/run-suite.ts';
import { canonicalJson } from './canonical-json.ts';
import { planChunks, chunkOfUnit, UNIT_ORDER } from './blocks.ts';
import { runBlock } from './block-run.ts';
import { loadBlocks, type BlockRecord } from './evidence.ts';
import { judge, deviceUndecided } from './judge.ts';
import { prepareArm, type ArmInput } from './model-inputs.ts';
import { loadPolicy } from './policy.ts';
import { buildReport, virtualOnly, type DeviceIdentity, type SignoffMeta } from './report.ts';
import { signReport, writeReportFiles, type ReportFiles } from './report-files.ts';
import { addBlock, createSignoff, failSignoff, finishSignoff } from '../store/signoffs.ts';
import type { Verdict } from './verdict.ts';
import { gateTable } from './gate-table.ts';

/** Exit codes: 0 PASS, 1 FAIL, 4 INCONCLUSIVE (budget spent, not decided); 2 infrastructure and 3 bad input as everywhere. */
export const SIGNOFF_EXIT: Record<Verdict, number> = { PASS: ExitCode.Ok, FAIL: ExitCode.ProductFailure, INCONCLUSIVE: ExitCode.Inconclusive };

/** Rest before each block, long enough for the previous block's leftover work to end (seen: ~1–2 s on vdevices). */
export const BLOCK_SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const INTERRUPTED = 'sign-off interrupted (Ctrl-C / SIGTERM)';

export interface SignoffOptions {
  candidate: string;
  baseline: string;
  policy?: string;
  suite?: string;
  devices: 'all' | string[];
  db: string;
  out?: string;
  key: KeyObject;
  vdevices: number;
  vdeviceProfiles?: string[];
  log?: (line: string) => void;
  /** rest before each block (default BLOCK_SETTLE_MS; tests that judge no latency pass 0) */
  settleMs?: number;
}

export interface SignoffSummary { id: string; verdict: Verdict; exitCode: number; files: ReportFiles; outDir: string; table: string }

export async function runSignoff(o: SignoffOptions): Promise<SignoffSummary> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${terminalText(l)}\n`));
  const loaded = loadPolicy(o.policy);
  const policy = { ...loaded.policy, suite: o.suite ?? loaded.policy.suite };
  const id = `s${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const outDir = resolve(o.out ?? join('reports', 'signoffs', id));
  const candidate = await prepareArm(o.candidate, '--candidate', join(outDir, 'models'));
  const baseline = await prepareArm(o.baseline, '--baseline', join(outDir, 'models'));
  const suite = await buildSuite(policy.suite);
  const chunks = planChunks(suite.scenarios.map((s) => ({ id: s.id, frames: s.frames.length })), policy.block.frames);
  const manifest = createHash('sha256').update(canonicalJson(suite.scenarios.map((s) => ({ id: s.id, truth: truthSha(s), frames: s.frames.map((f) => f.sha256) })))).digest('hex');
  log(`signoff ${id}: policy ${loaded.policy.name} (${loaded.sha256.slice(0, 12)}), suite ${policy.suite} in ${chunks.length} chunks, report ${outDir}`);

  const adbPort = await ensureAdbServer(Number(process.env.ANDROID_ADB_SERVER_PORT ?? DEFAULT_ADB_PORT));
  const client = adbClient(adbPort);
  let local: LocalVdevices | undefined;
  const store = await openStore(o.db);
  try {
    let serials = await onlineDevices(client);
    if (o.devices !== 'all') {
      const missing = o.devices.filter((s) => !serials.includes(s));
      if (missing.length) throw new RioError('BAD_ARGUMENT', `device(s) not attached: ${missing.join(', ')}`, { option: '--devices' });
      serials = o.devices.slice().sort();
    }
    if (serials.length === 0) {
      log(`no device attached: starting ${o.vdevices} virtual device(s) (results are labelled virtual)`);
      local = await startLocalVdevices({ count: o.vdevices, adbPort, profiles: o.vdeviceProfiles });
      serials = local.serials;
    }
    const devices = await Promise.all(serials.map((s) => identity(new AdbDevice(client, s))));
    // Virtual and real devices are never judged together: their latencies are not the same kind of number.
    if (new Set(devices.map((d) => d.virtual)).size > 1) {
      throw new RioError('BAD_ARGUMENT', 'virtual and real devices are never mixed in one sign-off; pick one kind with --devices', { option: '--devices' });
    }
    const meta: SignoffMeta = {
      suite: policy.suite, policy_path: loaded.path, harness_commit: harnessCommit(), frame_manifest_sha256: manifest, chunks,
      models: { candidate: candidate.identity, baseline: baseline.identity },
      facts: { candidate_bytes: candidate.identity.tflite_bytes, baseline_bytes: baseline.identity.tflite_bytes,
        parity: { candidate: candidate.parityMaxAbs, baseline: baseline.parityMaxAbs } },
      devices,
    };
    // The stored policy is the one applied (a --suite override is written into it), hashed as stored.
    const policyText = o.suite ? loaded.text.replace(/^suite:.*$/m, `suite: ${JSON.stringify(policy.suite)} # --suite`) : loaded.text;
    await createSignoff(store, { id, created_at: Date.now(), finished_at: null, status: 'running', verdict: null,
      virtual_only: devices.every((d) => d.virtual) ? 1 : 0, policy_sha256: createHash('sha256').update(policyText).digest('hex'),
      policy_text: policyText, meta_json: JSON.stringify(meta), report_sha256: null, public_key: null, signature: null, out_dir: outDir });

    const arms: Record<'candidate' | 'baseline', ArmInput> = { candidate, baseline };
    try {
      await Promise.all(serials.map((serial) => signoffDevice({ id, serial, store, db: o.db, outDir, chunks, policy, arms, log, settleMs: o.settleMs ?? BLOCK_SETTLE_MS, virtualOnly: virtualOnly(devices) })
        .catch((err: unknown) => {
          // A device lost mid-sign-off keeps the blocks it finished: its gates read INCONCLUSIVE, never PASS.
          if (!(err instanceof RioError) || err.failureClass !== 'infrastructure' || err.message === INTERRUPTED) throw err;
          log(`${serial}: ${err.code}: ${err.message} — no more blocks on this device`);
        })));
    } catch (err) {
      await failSignoff(store, id).catch(() => undefined);
      throw err;
    }

    const body = await buildReport(store, id);
    const signed = signReport(body, o.key);
    const files = writeReportFiles(outDir, signed);
    await finishSignoff(store, id, { status: 'done', verdict: body.verdict, report_sha256: createHash('sha256').update(canonicalJson(body)).digest('hex'),
      public_key: signed.signature.public_key, signature: signed.signature.value });
    for (const line of [`signoff ${id}: ${body.verdict}`, `  ${files.json}`, `  ${files.html}`, `  ${files.junit}`]) log(line); // one line per call: log escapes newlines
    return { id, verdict: body.verdict, exitCode: SIGNOFF_EXIT[body.verdict], files, outDir, table: terminalText(gateTable(body), { multiline: true }) };
  } finally {
    client.closeAll?.();
    if (local) await local.stop();
    await store.close();
  }
}

interface DeviceJob {
  id: string; serial: string; store: Store; db: string; outDir: string; chunks: string[][];
  policy: ReturnType<typeof loadPolicy>['policy']; arms: Record<'candidate' | 'baseline', ArmInput>; log: (l: string) => void; settleMs: number;
  virtualOnly: boolean;
}

/** ABBA units on one device until its gates are decided and its minimums met, or the budget is spent. */
async function signoffDevice(j: DeviceJob): Promise<void> {
  const mine: BlockRecord[] = [];
  for (let unit = 0; unit < j.policy.budget.max_units; unit++) {
    const chunk = chunkOfUnit(unit, j.chunks.length);
    for (let position = 0; position < UNIT_ORDER.length; position++) {
      const arm = UNIT_ORDER[position]!;
      for (let retry = 0; retry <= j.policy.throttle.max_retries; retry++) {
        // The same rest before every block: work a block leaves behind (app teardown, report writing)
        // slows the next one, and only the unit's first block also had the stop-rule pause before it —
        // real A/A sign-offs read the middle (candidate) blocks as 1.3× slower without this.
        await sleep(j.settleMs);
        const { record, summary } = await runBlock({ signoffId: j.id, serial: j.serial, unit, position, retry, arm, apk: j.arms[arm].apk,
          chunk, scenarios: j.chunks[chunk]!, db: j.db, outDir: j.outDir, policy: j.policy });
        await addBlock(j.store, j.id, record);
        mine.push(record);
        j.log(`${j.serial}: unit ${unit} ${arm} (chunk ${chunk}) run ${record.run_id}: ${record.valid ? 'valid' : `INVALID: ${record.invalid_reason}`}, ${Math.round(record.wall_ms)} ms`);
        if (summary.status === 'aborted') throw new RioError('DEVICE_UNHEALTHY', INTERRUPTED);
        if (record.valid) break;
      }
    }
    if (unit + 1 < j.policy.minimums.units) continue;
    const verdict = judge(await loadBlocks(j.store, mine), j.policy, { candidate_bytes: 1, baseline_bytes: 1, parity: {} }, j.virtualOnly);
    const device = verdict.devices.find((d) => d.serial === j.serial);
    if (device?.minimums_met && !deviceUndecided(verdict, j.serial)) return;
  }
  j.log(`${j.serial}: budget of ${j.policy.budget.max_units} units spent`);
}

async function identity(adb: AdbDevice): Promise<DeviceIdentity> {
  const fp = await readFingerprint(adb);
  return { serial: fp.serial, manufacturer: fp.manufacturer, model: fp.model, soc: fp.soc, abi: fp.abi, sdk: fp.sdk,
    build_fingerprint: fp.build_fingerprint, virtual: Boolean(fp.virtual) };
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The harness's git commit, when it runs from a checkout. */
function harnessCommit(): string | null {
  try { return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; }
}
