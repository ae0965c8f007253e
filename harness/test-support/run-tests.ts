/**
 * `npm test`: every `*.spec.ts` under the source folders, through Node's built-in test runner.
 * Node 20's runner cannot glob TypeScript files itself, so this finds them. Extra arguments filter
 * by path substring: `npm test -- vdevice scenarios`.
 * Files run one at a time: each integration test starts its own adb server and vdevices, and two
 * cores are all the machine has. Unfiltered, it then runs the UI product gate (`npm run test:ui`:
 * the WebdriverIO capture specs on vdevices with the release APK), so `npm test` is the whole of CI.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOTS = ['harness', 'server', 'scenarios', 'android-demo'];
const SKIP = new Set(['node_modules', 'build', '.gradle', 'reports']);

function findSpecs(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findSpecs(p, out);
    else if (name.endsWith('.spec.ts')) out.push(relative(process.cwd(), p));
  }
}

const specs: string[] = [];
for (const root of ROOTS) findSpecs(root, specs);
const filters = process.argv.slice(2);
const chosen = specs.sort().filter((s) => filters.length === 0 || filters.some((f) => s.includes(f)));
if (chosen.length === 0) {
  console.error(`no spec files match ${filters.join(' ')}`);
  process.exit(3);
}
const result = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...chosen],
  { stdio: 'inherit' });
const specsStatus = result.status ?? 1;
if (filters.length > 0) process.exit(specsStatus);
// The UI gate runs even after a failing spec: one CI run reports both.
console.log('\n# npm run test:ui (WebdriverIO capture specs on vdevices, release APK)');
const ui = spawnSync('npm', ['run', 'test:ui'], { stdio: 'inherit' });
process.exit(specsStatus !== 0 ? specsStatus : ui.status ?? 1);
