/**
 * The pieces that keep a device's strings in their place: file names reduced to a safe basename
 * inside their folder, one quoting function for the device shell (checked against a real POSIX
 * sh and the vdevice's), and the one terminal sanitiser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { RioError } from '../errors.ts';
import { containedPath, safeBasename } from './contained-path.ts';
import { shellQuote } from '../../appium-driver/lib/shell-quote.js';
import { terminalText } from '../devices/terminal-text.ts';

const HOSTILE_NAMES = ['../../../../.bashrc', '/etc/passwd', 'a\nb.jpg', 'c\0d.jpg', '..', '.', '', '\u001b[2J', 'x/../../y'];

test('a device file name becomes a safe basename inside its folder, or is refused naming the device', () => {
  const folder = join(tmpdir(), 'rio-crops');
  assert.equal(safeBasename('../../../../.bashrc'), '.bashrc');
  assert.equal(safeBasename('/etc/passwd'), 'passwd');
  assert.equal(safeBasename('a\nb.jpg'), 'ab.jpg');
  assert.equal(safeBasename('..\\..\\win.ini'), 'win.ini');
  for (const name of ['..', '.', '', '\u0000', 'dir/']) assert.equal(safeBasename(name), undefined, JSON.stringify(name));
  for (const name of HOSTILE_NAMES) {
    try {
      assert.equal(dirname(containedPath(folder, name, 'SERIAL-1')), folder, JSON.stringify(name));
    } catch (err) {
      assert.ok(err instanceof RioError && err.code === 'INVALID_RESULTS' && err.where?.device === 'SERIAL-1', String(err));
    }
  }
});

test('shellQuote keeps any value one literal argument for a real POSIX sh', () => {
  const values = ["it's", '$(touch /tmp/rio-pwned)', '`id`', 'a b\tc\nd', "'; rm -rf / #", '\\$HOME', '"', '', '*', '--es x'];
  for (const v of values) {
    const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(v)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, v, `sh read back ${JSON.stringify(v)}`);
  }
  assert.throws(() => shellQuote('a\0b'), /NUL/);
});

test('terminalText removes escape sequences and control characters from device strings', () => {
  assert.equal(terminalText('Pixel\u001b[2J\u001b[31m 7\u001b]0;pwned\u0007'), 'Pixel 7');
  assert.equal(terminalText('a\rb\u0008c\u0085d\u009b2Je'), 'a\ufffdb\ufffdc\ufffdde');
  assert.equal(terminalText('line1\nline2'), 'line1\ufffdline2');
  assert.equal(terminalText('line1\nline2', { multiline: true }), 'line1\nline2');
  assert.equal(terminalText('abc\u202edcba'), 'abc\ufffddcba');
  assert.doesNotMatch(terminalText('\u001b\u001b[[0m\u0000'), /[\u0000-\u001f]/);
});
