import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScript } from './parser.ts';
import { ShellSyntaxError } from './tokenizer.ts';

test('parses what clients send into and-or chains, pipelines, redirects and loops', () => {
  const ast = parseScript('while getprop sys.boot_completed 2>/dev/null; do sleep 1; done');
  assert.equal(ast.items.length, 1);
  const loop = ast.items[0].first.commands[0];
  assert.equal(loop.type, 'while');
  const ast2 = parseScript(`echo && logcat -B *:I 2>/dev/null | head -n 1 || echo 'x y' > "/sdcard/a b"`);
  const chain = ast2.items[0];
  assert.equal(chain.rest.map((r) => r.op).join(), '&&,||');
  assert.equal(chain.rest[0].pipeline.commands.length, 2);
});

test('untrusted command lines either parse or fail with a syntax error, never crash or hang', () => {
  // a small deterministic generator over the characters that matter to the tokenizer
  const alphabet = ['a', ' ', '"', "'", '\\', '$', '(', ')', '{', '}', ';', '&', '|', '>', '<', '2', '\n', 'while', 'do', 'done', 'if', 'then', 'fi', '#', '\0', 'é'];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 5000; i++) {
    let src = '';
    const len = next() % 30;
    for (let j = 0; j < len; j++) src += alphabet[next() % alphabet.length];
    try {
      parseScript(src);
    } catch (err) {
      assert.ok(err instanceof ShellSyntaxError, `${JSON.stringify(src)} threw ${(err as Error).stack}`);
    }
  }
  assert.throws(() => parseScript('('.repeat(10_000)), ShellSyntaxError);
  assert.throws(() => parseScript('x'.repeat(2_000_000)), ShellSyntaxError);
});
