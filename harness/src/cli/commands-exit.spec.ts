/**
 * The finite commands other than `run` end by themselves too, whatever they opened: sharp's worker
 * threads (`scenarios build`), onnxruntime and LiteRT.js (`model eval`, `model parity`). main.ts's
 * safety net must not be what ends them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCli, exitWithin, LINGER_LINE } from '../../test-support/cli-process.ts';

/** Generous for a cached smoke build or a few frames through two runtimes on 2 shared cores. */
const EXITS_WITHIN_MS = 120_000;

for (const args of [
  ['scenarios', 'list'],
  ['scenarios', 'build', '--suite', 'smoke'],
  ['model', 'eval', '--suite', 'smoke', '--limit', '2'],
  ['model', 'parity', '--suite', 'smoke', '--limit', '2'],
  ['model', 'eval', '--suite', 'train'],
]) {
  test(`rio-farm ${args.join(' ')} exits by itself`, async () => {
    const cli = startCli(args, process.env);
    try {
      const exit = await exitWithin(cli, Date.now(), EXITS_WITHIN_MS);
      assert.equal(exit.code, args.includes('train') ? 3 : 0, cli.stderr);
      assert.doesNotMatch(cli.stderr, LINGER_LINE);
    } finally { cli.kill(); }
  });
}
