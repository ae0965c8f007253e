import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The store owns every write and the server's queries/ folder its reads: SQL anywhere else in the
 * product's sources is a table written or read around them. Specs, test support and benchmarks
 * (which seed and clean 20 M-frame stores directly) are not product code.
 */
const ROOT = join(import.meta.dirname, '../../..');
const SCANNED = ['harness/src', 'harness/vdevice', 'harness/appium-driver/lib', 'server/src', 'scenarios', 'android-demo/host', 'android-demo/contract'];
const ALLOWED = [join('harness', 'src', 'store') + sep, join('server', 'src', 'queries') + sep];
const SQL = /\b(INSERT\s+INTO\s+\w|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\s+\w|SELECT\s+[\w*(][^'"`]{0,200}?\s+FROM\s+\w)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'testing' || name === 'test-support' || name === 'test') return [];
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|js|mjs)$/.test(name) && !/\.spec\.ts$|^testing-|-test-support\.ts$/.test(name) ? [p] : [];
  });
}

test('no SQL outside harness/src/store and server/src/queries', () => {
  const offenders = SCANNED.flatMap((d) => sources(join(ROOT, d)))
    .map((f) => relative(ROOT, f))
    .filter((f) => !ALLOWED.some((a) => f.startsWith(a)))
    .flatMap((f) => readFileSync(join(ROOT, f), 'utf8').split('\n').flatMap((line, i) => (SQL.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
  assert.deepEqual(offenders, []);
});
