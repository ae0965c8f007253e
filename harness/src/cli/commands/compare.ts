import type { Command } from 'commander';
import { terminalText } from '../../devices/terminal-text.ts';

/** Registers `rio-farm compare`; the logic lives in harness/src/compare/. */
export function registerCompare(program: Command): void {
  program.command('compare <run-a> <run-b>')
    .description('Per device × lighting latency and IoU differences (B − A) with 95% CIs and a verdict per cell: better / worse / no significant change / insufficient data. A run is an id in the store, a run.json, or a report folder')
    .option('--db <url>', 'store: sqlite:PATH or postgres://…', 'sqlite:.rio-farm/rio-farm.db')
    .option('--json', 'print the cells as JSON')
    .option('--fail-on-worse', 'exit 1 when any cell is worse')
    .action(async (a: string, b: string, o: { db: string; json?: boolean; failOnWorse?: boolean }) => {
      const { openStore } = await import('../../store/index.ts');
      const { loadRun, runSideOf } = await import('../../compare/run-source.ts');
      const { compareRuns } = await import('../../compare/compare-runs.ts');
      const { compareTable } = await import('../../compare/compare-table.ts');
      let store: Awaited<ReturnType<typeof openStore>> | undefined;
      const lazy = async () => (store ??= await openStore(o.db.startsWith('sqlite:') || o.db.startsWith('postgres') ? o.db : `sqlite:${o.db}`));
      try {
        const [ra, rb] = [await loadRun(a, lazy), await loadRun(b, lazy)];
        const cells = compareRuns(runSideOf(ra), runSideOf(rb));
        process.stdout.write(o.json ? JSON.stringify({ a: ra.run.id, b: rb.run.id, cells }, null, 1) + '\n' : terminalText(compareTable(ra.run.id, rb.run.id, cells), { multiline: true }) + '\n');
        if (o.failOnWorse && cells.some((c) => c.latency.verdict === 'worse' || c.iou.verdict === 'worse')) process.exitCode = 1;
      } finally {
        await store?.close();
      }
    });
}
