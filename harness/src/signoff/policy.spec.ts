import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { RioError } from '../errors.ts';
import { loadPolicy, parsePolicy, DEFAULT_POLICY_PATH, QUICK_POLICY_PATH } from './policy.ts';

const text = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
const refused = (yaml: string, field: string) => assert.throws(() => parsePolicy(yaml, 'my-policy.yaml'), (e: unknown) => {
  assert.ok(e instanceof RioError, String(e));
  assert.equal(e.code, 'BAD_CONFIG');
  assert.equal(e.exitCode, 3, 'bad input exits 3');
  assert.equal(e.where?.field, field, e.message);
  assert.equal(e.where?.file, 'my-policy.yaml', e.message);
  assert.ok(e.message.includes(`my-policy.yaml: ${field}:`), `the message names the file and the field: ${e.message}`);
  return true;
});

test('the documented default policy is MLPerf-like: ≥ 1024 frames and ≥ 60 s per arm per device, p90 ratio ≤ 1.05, ΔIoU ≥ −0.01', () => {
  const { policy, sha256 } = loadPolicy();
  assert.equal(policy.minimums.frames, 1024);
  assert.equal(policy.minimums.seconds, 60);
  assert.equal(policy.gates.latency.quantile, 0.9);
  assert.equal(policy.gates.latency.max_ratio, 1.05);
  assert.equal(policy.gates.iou.min_delta, -0.01);
  assert.equal(sha256, createHash('sha256').update(text).digest('hex'), 'the hash is of the file\'s bytes');
});

test('the quick policy says in its name that it is not a release sign-off', () => {
  assert.match(loadPolicy(QUICK_POLICY_PATH).policy.name, /not a release sign-off/);
});

test('a missing field is refused naming it', () => {
  refused(text.replace(/^ {4}max_ratio: 1\.05.*$/m, ''), '/gates/latency/max_ratio');
  refused(text.replace(/^ {2}units: 5.*$/m, ''), '/minimums/units');
});

test('a value of the wrong type or out of range is refused naming the field', () => {
  refused(text.replace(/^ {2}frames: 1024/m, '  frames: lots'), '/minimums/frames');
  refused(text.replace(/confidence: 0\.95/, 'confidence: 1.5'), '/statistics/confidence');
  refused(text.replace(/min_delta: -0\.01/, 'min_delta: 0.01'), '/gates/iou/min_delta');
});

test('an unknown field (a typo) is refused instead of silently falling back', () => {
  refused(text.replace('max_retries: 2', 'max_retries: 2\n  max_retry: 5'), '/throttle/max_retry');
  refused(`${text}\nextra: 1\n`, '/extra');
});

test('an unknown version and a budget below the minimum units are refused', () => {
  refused(text.replace(/^version: 1/m, 'version: 2'), '/version');
  refused(text.replace(/max_units: 40/, 'max_units: 2'), '/budget/max_units');
});

test('a policy that is not a mapping, or a blank name, is refused naming where', () => {
  refused('- 1\n- 2\n', '/');
  refused(text.replace(/^name: default$/m, 'name: "  "'), '/name');
  refused(text.replace(/^ {2}warmup: 3/m, '  warmup: 2.5'), '/block/warmup');
});

test('the quick policy and the default pass the same schema', () => {
  for (const path of [DEFAULT_POLICY_PATH, QUICK_POLICY_PATH]) assert.equal(loadPolicy(path).policy.version, 1);
});
