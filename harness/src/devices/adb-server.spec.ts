import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { freePort } from './adb-cli.ts';
import { ensureAdbServer, isListening, killAdbServer } from './adb-server.ts';
import { RioError } from '../errors.ts';

/** Something that is not an adb server holding a port: it answers every connection with bytes adb cannot read. */
async function stranger(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => { s.on('error', () => {}); s.end('000cnot an adb!'); });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test('a free port taken before adb starts on it: port 0 tries a new one; a given port is an error naming it', async (t) => {
  const { server, port: taken } = await stranger();
  t.after(() => server.close());
  const picks = [taken, await freePort()];
  const got = await ensureAdbServer(0, async () => picks.shift()!);
  t.after(() => killAdbServer(got));
  assert.notEqual(got, taken, 'not the port the stranger holds');
  assert.ok(await isListening(got), 'an adb server listens on the new port');
  assert.equal(picks.length, 0, 'the second pick was used');
  await assert.rejects(ensureAdbServer(0, async () => taken), (e: unknown) => e instanceof RioError && e.code === 'ADB_ERROR' && e.where?.port === taken,
    'a port that stays taken fails after the tries, naming it');
});
