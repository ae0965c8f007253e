import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWork } from './work-plan.ts';
import { WorkQueue } from './work-queue.ts';

const scenarios = [{ id: 'a', truthSha256: 't', frames: 40 }, { id: 'b', truthSha256: 't', frames: 20 }, { id: 'c', truthSha256: 't', frames: 20 }];
const devices = [{ serial: 'p1', group: 'Pixel' }, { serial: 'p2', group: 'Pixel' }, { serial: 'g1', group: 'Galaxy' }];

test('by default every device runs the whole suite, repeats included', () => {
  const items = planWork('r', scenarios, devices, 2, false);
  assert.equal(items.length, 3 * 3 * 2);
  assert.deepEqual(new Set(items.map((i) => i.id)).size, items.length);
  assert.deepEqual(items.map((i) => i.seq), items.map((_, i) => i));
});

test('--shard splits scenarios within a model, balancing frames; each model still covers the suite', () => {
  const items = planWork('r', scenarios, devices, 1, true);
  const of = (s: string) => items.filter((i) => i.slot_serial === s).map((i) => i.scenario_id).sort();
  assert.deepEqual(of('g1'), ['a', 'b', 'c'], 'the only Galaxy runs everything');
  assert.deepEqual([...of('p1'), ...of('p2')].sort(), ['a', 'b', 'c'], 'the two Pixels share the suite once');
  assert.deepEqual(of('p1'), ['a'], 'the longest scenario alone balances the two shorter ones');
});

test('the queue gives a failed device\'s work to others, only within the model when sharding', async () => {
  const items = planWork('r', scenarios, devices, 1, true);
  const group = new Map(devices.map((d) => [d.serial, d.group]));
  const q = new WorkQueue(items, (s) => group.get(s) ?? '', true, ['p1', 'p2', 'g1']);
  const first = (await q.take('p1'))!;
  q.abandonDevice('p1', first);
  const drain = async (serial: string) => {
    const got: string[] = [];
    for (let it = await q.take(serial); it; it = await q.take(serial)) got.push(`${it.slot_serial}:${it.scenario_id}`);
    return got;
  };
  const [g1, p2] = await Promise.all([drain('g1'), drain('p2')]);
  assert.deepEqual(g1.sort(), ['g1:a', 'g1:b', 'g1:c'], 'the Galaxy does not take Pixel work');
  assert.deepEqual(p2.sort(), ['p1:a', 'p2:b', 'p2:c']);
  assert.deepEqual(q.stranded(), []);
});
