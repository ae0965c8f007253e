import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { defaultVdeviceCount, vdevicesOverCores } from './host-cores.ts';
import { DEFAULT_RUN_OPTIONS } from '../src/run/run-options.ts';

const cores = availableParallelism();

test('self-started vdevices default to at most one per core (run, quickstart); asking for more warns', () => {
  assert.equal(defaultVdeviceCount(3), Math.min(3, cores));
  assert.equal(defaultVdeviceCount(1), 1);
  assert.ok(DEFAULT_RUN_OPTIONS.vdevices <= cores, `run's default ${DEFAULT_RUN_OPTIONS.vdevices} on ${cores} cores`);
  assert.equal(vdevicesOverCores(cores), undefined);
  assert.match(vdevicesOverCores(cores + 1)!, new RegExp(`^warning: ${cores + 1} vdevices on ${cores} core\\(s\\)`));
});
