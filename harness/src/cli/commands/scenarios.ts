import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { RioError } from '../../errors.ts';

/** Registers `rio-farm scenarios build|list|preview`; the logic lives in scenarios/generator/. */
export function registerScenarios(program: Command): void {
  const cmd = program.command('scenarios').description('Build, list and preview capture scenario suites');

  cmd.command('build')
    .description('Render suites into the content-addressed cache (a rebuild renders nothing)')
    .option('--suite <name>', 'suite name, real-photo folder, or "train" (default: every suite script)')
    .option('--frames <n>', 'frames for the train generator', (v) => positiveInt(v, '--frames'))
    .action(async (o: { suite?: string; frames?: number }) => {
      const { buildSuite, listSuites } = await import('../../../../scenarios/generator/index.ts');
      const names = o.suite ? [o.suite] : listSuites().filter((s) => s.kind !== 'generator').map((s) => s.name);
      for (const name of names) {
        const t0 = performance.now();
        let last = 0;
        const suite = await buildSuite(name, {
          frames: o.frames,
          onProgress: (done, total) => {
            if (process.stderr.isTTY && (done === total || performance.now() - last > 500)) {
              last = performance.now();
              process.stderr.write(`\r${name}: ${done}/${total} frames rendered`);
            }
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        const frames = suite.scenarios.reduce((n, s) => n + s.frames.length, 0);
        console.log(`${suite.name}: ${suite.scenarios.length} scenarios, ${frames} frames in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${suite.dir}`);
      }
    });

  cmd.command('list')
    .description('List the suites this checkout knows')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { listSuites } = await import('../../../../scenarios/generator/index.ts');
      const suites = listSuites();
      if (o.json) return console.log(JSON.stringify(suites, null, 2));
      for (const s of suites) {
        console.log(`${s.name.padEnd(12)} ${s.kind.padEnd(9)} ${String(s.scenarios).padStart(5)} scenarios ${String(s.frames).padStart(6)} frames  ${s.description}`);
      }
    });

  cmd.command('preview')
    .description('Write a contact sheet PNG: one frame per scenario with its truth quads drawn')
    .requiredOption('--suite <name>', 'suite to preview')
    .option('--out <file>', 'output PNG (default reports/scenarios-<suite>.png)')
    .option('--frames <n>', 'frames for the train generator', (v) => positiveInt(v, '--frames'))
    .action(async (o: { suite: string; out?: string; frames?: number }) => {
      const { buildSuite } = await import('../../../../scenarios/generator/index.ts');
      const { writeContactSheet } = await import('../../../../scenarios/generator/contact-sheet.ts');
      const { REPO_ROOT } = await import('../../../../scenarios/generator/cache.ts');
      const suite = await buildSuite(o.suite, { frames: o.frames ?? 96 });
      const out = o.out ?? join(REPO_ROOT, 'reports', `scenarios-${suite.name}.png`);
      mkdirSync(join(out, '..'), { recursive: true });
      const n = await writeContactSheet(suite, out);
      console.log(`${out} (${n} scenarios)`);
    });
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RioError('BAD_ARGUMENT', `${flag} must be a positive integer`, { field: flag });
  return n;
}
