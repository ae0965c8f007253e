/**
 * The home answer is the most requested and changes only when runs are summarised: keep it per
 * suite until the summary generation moves (or a few seconds pass, for device renames).
 */
import type { Db } from '../../../harness/src/store/db.ts';
import type { SummaryRefresher } from './run-summary.ts';
import { homeDevices, type HomeView } from './home.ts';

/** Bounds staleness of what summaries do not track (a device's model name, a run's status). */
const MAX_AGE_MS = 10_000;

export class HomeCache {
  private readonly entries = new Map<string, { generation: number; at: number; view: Promise<HomeView> }>();
  constructor(private readonly db: Db, private readonly summaries: SummaryRefresher) {}
  view(suite: string): Promise<HomeView> {
    const e = this.entries.get(suite);
    if (e && e.generation === this.summaries.generation && Date.now() - e.at < MAX_AGE_MS) return e.view;
    const view = homeDevices(this.db, suite);
    view.catch(() => this.entries.delete(suite));
    if (this.entries.size > 100) this.entries.clear(); // suites are few; never grow without bound
    this.entries.set(suite, { generation: this.summaries.generation, at: Date.now(), view });
    return view;
  }
}
