/**
 * How the rows of a run export fit together, beyond each row's schema: every row belongs to the run,
 * ids are the ones the harness derives (so an upload cannot seed the id of another run's item,
 * attempt or a device's fingerprint), and the JSON columns the pages parse hold what they expect.
 * Throws BAD_ARGUMENT naming the field as a JSON path (`/measurements/12/attempt_id`).
 */
import { RioError } from '../errors.ts';
import { fingerprintId } from './index.ts';
import { truthId } from './truth-id.ts';
import type { RunExport } from './run-export.ts';

const isPoint = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v));
const isQuad = (q: unknown) => Array.isArray(q) && q.length === 4 && q.every(isPoint);

/** `root` prefixes every field path ('body' for an upload, so paths read like the schema's own errors). */
export function checkRunExport(exp: RunExport, root = ''): void {
  const bad = (field: string, message: string): never => { throw new RioError('BAD_ARGUMENT', `invalid run export: ${message}`, { field: `${root}${field}` }); };
  const parseJson = (text: string, field: string): unknown => { try { return JSON.parse(text); } catch { return bad(field, 'is not JSON'); } };
  const runId = exp.run.id;
  const runScoped = ['devices', 'work_items', 'attempts', 'measurements', 'aggregates', 'samples', 'events'] as const;
  for (const table of runScoped) {
    exp[table].forEach((r, i) => { if (r.run_id !== runId) bad(`/${table}/${i}/run_id`, `a row of run ${r.run_id} in the export of run ${runId}`); });
  }
  const options = parseJson(exp.run.options_json, '/run/options_json');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) bad('/run/options_json', 'is not a JSON object');

  exp.devices.forEach((d, i) => {
    if (d.fingerprint_id === null) return;
    const id = fingerprintId(d.serial, { manufacturer: d.manufacturer, model: d.model, soc: d.soc, abi: d.abi, sdk: d.sdk,
      build_fingerprint: d.build_fingerprint, virtual: d.virtual ?? 0 });
    if (d.fingerprint_id !== id) bad(`/devices/${i}/fingerprint_id`, `is not the id of this fingerprint (${id})`);
  });
  exp.scenarios.forEach((s, i) => { if (s.suite !== exp.run.suite) bad(`/scenarios/${i}/suite`, `is not the run's suite ${exp.run.suite}`); });
  exp.scenario_frames.forEach((f, i) => {
    if (f.suite !== exp.run.suite) bad(`/scenario_frames/${i}/suite`, `is not the run's suite ${exp.run.suite}`);
    const cards = parseJson(f.cards_json, `/scenario_frames/${i}/cards_json`);
    if (!Array.isArray(cards) || !cards.every((c) => c !== null && typeof c === 'object' && isQuad((c as { quad?: unknown }).quad))) {
      bad(`/scenario_frames/${i}/cards_json`, 'is not a list of {quad: [[x, y] × 4]}');
    }
  });

  // Truth ids are recomputed from the frames they name, so no upload can store other quads under one.
  const truthFrames = new Map<string, { first: number; frames: RunExport['scenario_frames'] }>();
  exp.scenario_frames.forEach((f, i) => {
    const key = `${f.scenario_id}\u0000${f.truth_sha256}`;
    const group = truthFrames.get(key) ?? { first: i, frames: [] };
    group.frames.push(f);
    truthFrames.set(key, group);
  });
  for (const { first, frames } of truthFrames.values()) {
    const id = truthId(frames);
    if (frames[0]!.truth_sha256 !== id) bad(`/scenario_frames/${first}/truth_sha256`, `is not the truth id of its scenario's frames (${id})`);
  }
  exp.scenarios.forEach((s, i) => {
    if (!truthFrames.has(`${s.id}\u0000${s.truth_sha256}`)) bad(`/scenarios/${i}/truth_sha256`, 'names no frames in this export');
  });

  const items = new Map<string, RunExport['work_items'][number]>();
  exp.work_items.forEach((w, i) => {
    const id = `${runId}/${w.slot_serial}/${w.scenario_id}/${w.repeat_index}`;
    if (w.id !== id) bad(`/work_items/${i}/id`, `is not ${id} (run/slot/scenario/repeat)`);
    items.set(w.id, w);
  });
  const attempts = new Map<string, RunExport['attempts'][number]>();
  exp.attempts.forEach((a, i) => {
    const item = items.get(a.item_id);
    if (!item) return bad(`/attempts/${i}/item_id`, `names no work item of run ${runId}`);
    if (a.id !== `${a.item_id}/a${a.attempt}`) bad(`/attempts/${i}/id`, `is not ${a.item_id}/a${a.attempt} (item/attempt)`);
    if (a.scenario_id !== item.scenario_id) bad(`/attempts/${i}/scenario_id`, `is not its work item's (${item.scenario_id})`);
    attempts.set(a.id, a);
  });
  exp.work_items.forEach((w, i) => {
    if (w.done_attempt_id !== null && attempts.get(w.done_attempt_id)?.item_id !== w.id) bad(`/work_items/${i}/done_attempt_id`, 'names no attempt of this item');
  });
  exp.measurements.forEach((m, i) => {
    const a = attempts.get(m.attempt_id);
    if (!a) return bad(`/measurements/${i}/attempt_id`, `names no attempt of run ${runId}`);
    if (m.serial !== a.serial) bad(`/measurements/${i}/serial`, `is not its attempt's device (${a.serial})`);
    if (m.scenario_id !== a.scenario_id) bad(`/measurements/${i}/scenario_id`, `is not its attempt's scenario (${a.scenario_id})`);
    if (m.detections_json !== null && !Array.isArray(parseJson(m.detections_json, `/measurements/${i}/detections_json`))) {
      bad(`/measurements/${i}/detections_json`, 'is not a JSON list');
    }
  });
}
