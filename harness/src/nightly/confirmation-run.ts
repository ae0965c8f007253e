/**
 * The confirmation run of a pending step: the previous and the current build interleaved A B A B on
 * the step's device (drift and heat then hit both alike), the scenarios behind the step's series
 * only, judged by compare's statistics (paired blocks, between-run spread of the previous build's
 * nights) in the step's cell. Runs through the one runner, labelled nightly=confirmation.
 */
import { scenariosWithLighting } from '../store/nightly-reads.ts';
import { compareRuns, type RunSide } from '../compare/compare-runs.ts';
import { sameBuildHistory } from '../compare/run-history.ts';
import { loadRunSide } from '../compare/run-source.ts';
import type { Store } from '../store/index.ts';
import type { ApkArchive } from './apk-archive.ts';
import type { Candidate } from './detect.ts';
import type { ConfirmStep } from './stored-night.ts';

/** A B A B: two runs of each build, alternating. */
const ORDER = ['A', 'B', 'A', 'B'] as const;
/** Repeat indexes of the second run of a side are shifted so its blocks stay apart from the first's. */
const REPEAT_OFFSET = 1000;

export interface ConfirmationDeps {
  store: Store; suite: string; archive: ApkArchive;
  /** runs the suite (the runner's runSuite, bound to tonight's options) on one device with one APK; returns the run id */
  run: (o: { serial: string; apk: string; scenarios?: string[] }) => Promise<string>;
}

export function confirmationRunner(d: ConfirmationDeps): ConfirmStep {
  const done = new Map<string, Promise<{ a: RunSide; b: RunSide; history: RunSide[]; runIds: string[] } | null>>();
  return async (c: Candidate) => {
    const metric = c.series.metric;
    // compare's latency cell is the device's stable measure (the floor of thread CPU on a vdevice), its IoU cell the mean IoU
    if (!['p50', 'p90', 'infer_cpu_p05', 'iou_mean'].includes(metric)) return { confirmed: null, runIds: [] }; // compare has no statistic for it
    const prev = d.archive.find(c.build_before), cur = d.archive.find(c.build_after);
    if (!prev || !cur || c.build_before === c.build_after) return { confirmed: null, runIds: [] }; // same build or not archived here: wait a night
    const scenarios = await scenariosOf(d.store, c);
    const key = JSON.stringify([c.series.serial, c.build_before, c.build_after, scenarios ?? null]);
    let sides = done.get(key);
    if (!sides) {
      done.set(key, sides = (async () => {
        const ids: string[] = [];
        for (const side of ORDER) ids.push(await d.run({ serial: c.series.serial, apk: side === 'A' ? prev : cur, scenarios }));
        const loaded = await Promise.all(ids.map((id) => loadRunSide(d.store, id)));
        const pool = (which: 'A' | 'B'): RunSide => {
          const mine = loaded.filter((_, i) => ORDER[i] === which);
          return { id: mine.map((s) => s.id).join('+'), devices: mine[0]!.devices,
            measurements: mine.flatMap((s, k) => s.measurements.map((m) => ({ ...m, repeat_index: m.repeat_index + k * REPEAT_OFFSET }))) };
        };
        return { a: pool('A'), b: pool('B'), history: await sameBuildHistory(d.store, ids[0]!, ids[1]!), runIds: ids };
      })());
    }
    const s = await sides;
    if (!s) return { confirmed: null, runIds: [] };
    const lighting = c.series.scope.startsWith('lighting:') ? c.series.scope.slice('lighting:'.length) : '*';
    const cell = compareRuns(s.a, s.b, { history: s.history }).find((x) => x.lighting === lighting && x.serials.a.includes(c.series.serial));
    const diff = metric === 'iou_mean' ? cell?.iou : cell?.latency;
    if (!diff || diff.verdict === 'insufficient data') return { confirmed: null, runIds: s.runIds };
    return { confirmed: diff.verdict === (c.direction === 'regression' ? 'worse' : 'better'), runIds: s.runIds };
  };
}

/** The scenarios behind a series: its own, those with its lighting, or all of them. */
async function scenariosOf(store: Store, c: Candidate): Promise<string[] | undefined> {
  if (c.series.scope.startsWith('scenario:')) return [c.series.scope.slice('scenario:'.length)];
  if (!c.series.scope.startsWith('lighting:')) return undefined;
  return scenariosWithLighting(store, c.change_run_id, c.series.serial, c.series.scope.slice('lighting:'.length));
}
