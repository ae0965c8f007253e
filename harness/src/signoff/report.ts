/**
 * The sign-off report body, built only from what the store holds: the sign-off row (policy text,
 * facts recorded before the devices ran) and the blocks' stored frames. `rio-farm signoff` and
 * `signoff verify` call this same function, so the same store gives byte-identical canonical JSON.
 */
import type { Store } from '../store/index.ts';
import { RioError } from '../errors.ts';
import { loadBlocks } from './evidence.ts';
import { judge, type ModelFacts, type Judgement } from './judge.ts';
import { parsePolicy } from './policy.ts';
import { getSignoff, signoffBlocks, type SignoffRow } from '../store/signoffs.ts';
import { UNIT_ORDER } from './blocks.ts';

export const REPORT_SCHEMA = 'rio-signoff/1';

/** Facts recorded when the sign-off started (meta_json): everything the report says that no frame can. */
export interface SignoffMeta {
  suite: string;
  policy_path: string;
  harness_commit: string | null;
  frame_manifest_sha256: string;
  chunks: string[][];
  models: Record<'candidate' | 'baseline', ModelIdentity>;
  facts: ModelFacts;
  devices: DeviceIdentity[];
}
export interface ModelIdentity { input: string; input_kind: 'tflite' | 'apk' | 'onnx'; input_sha256: string; tflite_sha256: string | null; apk_sha256: string; tflite_bytes: number }
/** Every device of the sign-off is a vdevice (a sign-off never mixes kinds): latency is judged on thread CPU time. */
export const virtualOnly = (devices: readonly DeviceIdentity[]) => devices.length > 0 && devices.every((d) => d.virtual);

export interface DeviceIdentity { serial: string; manufacturer: string | null; model: string | null; soc: string | null; abi: string | null; sdk: number | null; build_fingerprint: string | null; virtual: boolean }

export interface ReportBody {
  schema: string;
  id: string;
  created_at: string;
  verdict: Judgement['overall'];
  policy: { name: string; sha256: string; path: string; version: number };
  bootstrap: { seed: number; iterations: number; confidence: number; resampled: string };
  design: { unit_order: readonly string[]; chunks: number; suite: string };
  meta: Omit<SignoffMeta, 'chunks' | 'policy_path' | 'suite'>;
  blocks: Awaited<ReturnType<typeof signoffBlocks>>;
  runs: string[];
  devices: Judgement['devices'];
  gates: Judgement['gates'];
}

export async function buildReport(store: Store, id: string): Promise<ReportBody> {
  const row = await getSignoff(store, id);
  if (!row) throw new RioError('NOT_FOUND', `no sign-off ${id} in this store`, { signoff: id });
  return buildReportFrom(store, row);
}

export async function buildReportFrom(store: Store, row: SignoffRow): Promise<ReportBody> {
  const policy = parsePolicy(row.policy_text, `signoff ${row.id} policy`);
  const meta = JSON.parse(row.meta_json) as SignoffMeta;
  const records = await signoffBlocks(store, row.id);
  const j = judge(await loadBlocks(store, records), policy, meta.facts, virtualOnly(meta.devices));
  const { chunks, policy_path, suite, ...rest } = meta;
  return {
    schema: REPORT_SCHEMA, id: row.id, created_at: new Date(Number(row.created_at)).toISOString(), verdict: j.overall,
    policy: { name: policy.name, sha256: row.policy_sha256, path: policy_path, version: policy.version },
    bootstrap: { seed: policy.statistics.seed, iterations: policy.statistics.bootstrap_iterations, confidence: policy.statistics.confidence,
      resampled: 'ABBA units (four blocks on one device over the same frames: two baseline/candidate block pairs), one-sided bounds, expanded percentile (Hesterberg)' },
    design: { unit_order: UNIT_ORDER, chunks: chunks.length, suite },
    meta: rest, blocks: records, runs: [...new Set(records.map((b) => b.run_id))].sort(),
    devices: j.devices, gates: j.gates,
  };
}
