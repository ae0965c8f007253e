import type { Command } from 'commander';
import { terminalText } from '../../devices/terminal-text.ts';
import { storeUrl } from '../../store/store-url.ts';

/** Registers `rio-farm compare`; the logic lives in harness/src/compare/. */
export function registerCompare(program: Command): void {
  program.command('compare <run-a> <run-b>')
    .description('Per device × lighting latency and IoU differences (B − A) with 95% CIs and a verdict per cell: better / worse / no significant change / insufficient data / not judged (a vdevice\'s CPU-time floor per lighting: judged over all its frames). A run is an id in the store, a run.json, or a report folder')
    .option('--db <url>', 'store: sqlite:PATH or postgres://…', 'sqlite:.rio-farm/rio-farm.db')
    .option('--json', 'print the cells as JSON')
    .option('--fail-on-worse', 'exit 1 when any cell is worse')
    .option('--history <n>', 'earlier runs of A\'s build in the store whose night-to-night spread widens the CIs (0: none)', '10')
    .action(async (a: string, b: string, o: { db: string; json?: boolean; failOnWorse?: boolean; history: string }) => {
      const { openStore } = await import('../../store/index.ts');
      const { loadRun, runSideOf } = await import('../../compare/run-source.ts');
      const { compareRuns } = await import('../../compare/compare-runs.ts');
      const { compareTable } = await import('../../compare/compare-table.ts');
      const { sameBuildHistory } = await import('../../compare/run-history.ts');
      let store: Awaited<ReturnType<typeof openStore>> | undefined;
      const lazy = async () => (store ??= await openStore(storeUrl(o.db)));
      try {
        const [ra, rb] = [await loadRun(a, lazy), await loadRun(b, lazy)];
        // History lives in the store: runs given as files have none unless their ids are stored too.
        const history = Number(o.history) > 0 && (store || !a.endsWith('.json'))
          ? await sameBuildHistory(await lazy(), ra.run.id, rb.run.id, Number(o.history)).catch(() => []) : [];
        const cells = compareRuns(runSideOf(ra), runSideOf(rb), { history });
        process.stdout.write(o.json ? JSON.stringify({ a: ra.run.id, b: rb.run.id, cells }, null, 1) + '\n' : terminalText(compareTable(ra.run.id, rb.run.id, cells), { multiline: true }) + '\n');
        if (o.failOnWorse && cells.some((c) => c.latency.verdict === 'worse' || c.iou.verdict === 'worse')) process.exitCode = 1;
      } finally {
        await store?.close();
      }
    });
}
