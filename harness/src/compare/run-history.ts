/**
 * The history a comparison reads its between-run noise from: finished runs of A's build (same APK
 * sha256, hence same app and model) and suite started before A — the nights A's level was already
 * known from. Never runs after A: one of them may already carry the change B is judged for (a
 * device that slowed down under the same APK), and newer runs then never move a kept comparison.
 */
import type { Store } from '../store/index.ts';
import type { RunSide } from './compare-runs.ts';
import { loadHistorySide } from './run-source.ts';

/** How many earlier same-build runs are enough to estimate a night-to-night spread. */
export const HISTORY_RUNS = 10;

export async function sameBuildHistory(store: Store, a: string, b: string, limit = HISTORY_RUNS): Promise<RunSide[]> {
  const [ra, rb] = await Promise.all([store.getRun(a), store.getRun(b)]);
  if (!ra || !rb || !ra.apk_sha256) return [];
  const until = ra.started_at;
  const ids = await store.earlierRunsOfBuild(ra.apk_sha256, ra.suite, until, [a, b], limit);
  return Promise.all(ids.map((id) => loadHistorySide(store, id)));
}
