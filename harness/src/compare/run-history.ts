/**
 * The history a comparison reads its between-run noise from: earlier finished runs of A's build
 * (same APK sha256, hence same app and model) and suite, never A or B, started no later than the
 * later of the two — so the comparison of two given runs does not move when newer runs arrive.
 */
import type { Store } from '../store/index.ts';
import type { RunSide } from './compare-runs.ts';
import { loadRunSide } from './run-source.ts';

/** How many earlier same-build runs are enough to estimate a night-to-night spread. */
export const HISTORY_RUNS = 10;

export async function sameBuildHistory(store: Store, a: string, b: string, limit = HISTORY_RUNS): Promise<RunSide[]> {
  const [ra, rb] = await Promise.all([store.getRun(a), store.getRun(b)]);
  if (!ra || !rb || !ra.apk_sha256) return [];
  const until = Math.max(ra.started_at, rb.started_at);
  const ids = await store.db.all<{ id: string }>(
    `SELECT id FROM runs WHERE apk_sha256 = ? AND suite = ? AND id <> ? AND id <> ? AND started_at <= ? AND finished_at IS NOT NULL
       AND status <> 'running' ORDER BY started_at DESC, id DESC LIMIT ?`, [ra.apk_sha256, ra.suite, a, b, until, limit]);
  return Promise.all(ids.map((r) => loadRunSide(store, r.id)));
}
