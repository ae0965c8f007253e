import { openStore } from '../../harness/src/store/index.ts';
import { loadRunSide } from '../../harness/src/compare/run-source.ts';
import { sameBuildHistory } from '../../harness/src/compare/run-history.ts';
import { compareRuns } from '../../harness/src/compare/compare-runs.ts';
import { summaryOf } from '../../harness/src/compare/compare-summary.ts';
const store = await openStore('sqlite:.rio-farm/bench/server-24x10x2000.db');
const ids = (await store.db.all<{ id: string }>('SELECT id FROM runs ORDER BY started_at')).map((r) => r.id);
const n = await store.db.get('SELECT COUNT(*) AS n FROM compare_summaries');
console.log('runs', ids.length, 'summaries', n);
for (const [a, b] of [[ids[15]!, ids[16]!], [ids[20]!, ids[21]!]]) {
  const c0 = process.cpuUsage(); let t = performance.now();
  const [sa, sb] = await Promise.all([loadRunSide(store, a), loadRunSide(store, b)]);
  const tLoad = performance.now() - t; t = performance.now();
  const history = await sameBuildHistory(store, a, b);
  const tHist = performance.now() - t; t = performance.now();
  const cells = compareRuns(sa, sb, { history });
  const tCmp = performance.now() - t;
  const c = process.cpuUsage(c0);
  console.log(`summaries ${!!summaryOf(sa)} ${!!summaryOf(sb)}, history ${history.length} (${history.filter((h) => summaryOf(h)).length} from summaries); load ${tLoad.toFixed(0)} ms, history ${tHist.toFixed(0)} ms, compare ${tCmp.toFixed(0)} ms; CPU ${((c.user + c.system) / 1000).toFixed(0)} ms; cells ${cells.length}`);
}
await store.close();
