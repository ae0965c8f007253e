/** parseStrictJson finds every string's end as JSON does: escaped quotes and runs of backslashes cannot hide a duplicate key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStrictJson } from './strict-json.ts';
import type { RioError } from '../../harness/src/errors.ts';

const field = (text: string) => { try { parseStrictJson(text); return null; } catch (err) { return (err as RioError).where?.field; } };

test('a duplicate key after strings ending in escaped quotes and backslashes is found and named', () => {
  assert.equal(field('{"a":{"s":"x\\"y","k":1,"k":2}}'), 'body/a/k');
  assert.equal(field('{"a":{"s":"x\\\\","k":1,"k":2}}'), 'body/a/k', 'an even run of backslashes ends the string');
  assert.equal(field('{"a":{"s":"\\\\\\"","k":1,"k":2}}'), 'body/a/k', 'an odd run escapes the quote');
  assert.equal(field('{"k\\u0041":1,"kA":2}'), 'body/kA', 'escaped keys are compared as JSON reads them');
  assert.deepEqual(parseStrictJson('{"s":"\\\\","t":["\\"",""],"u":"{[,"}'), { s: '\\', t: ['"', ''], u: '{[,' });
  assert.equal(field('{"s":"unterminated\\"}'), 'body', 'not JSON');
});
