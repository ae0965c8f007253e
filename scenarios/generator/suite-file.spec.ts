import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadSuiteFile } from './suite-file.ts';
import { RioError } from '../../harness/src/errors.ts';
import { SUITES_DIR } from './index.ts';
import { CONDITION_NAMES } from './conditions.ts';

const GOOD = `suite: t
scenarios:
  - id: a
    seed: 1
    frames: 3
    background: wood
    camera:
      fill: 0.5
      tilt: 10
    lighting: daylight
`;

function errorOf(text: string): RioError {
  const dir = mkdtempSync(join(tmpdir(), 'rio-suite-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, text);
  try {
    loadSuiteFile(file);
  } catch (err) {
    assert.ok(err instanceof RioError, String(err));
    assert.equal(err.code, 'BAD_SCENARIO');
    assert.equal(err.where?.file, file);
    return err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.fail('the script was accepted');
}

test('a valid script loads with defaults applied', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-suite-'));
  writeFileSync(join(dir, 'ok.yaml'), GOOD);
  const s = loadSuiteFile(join(dir, 'ok.yaml'));
  rmSync(dir, { recursive: true, force: true });
  assert.equal(s.scenarios.length, 1);
  assert.deepEqual(s.scenarios[0]!.resolution, [1280, 720]);
  assert.equal(s.scenarios[0]!.lighting[0]!.condition, 'daylight');
});

test('a tilt beyond 45° names the file, line 9 and the field', () => {
  const e = errorOf(GOOD.replace('tilt: 10', 'tilt: 60'));
  assert.equal(e.where?.line, 9);
  assert.equal(e.where?.field, 'scenarios.0.camera.tilt');
});

test('an unknown condition and an unknown field are pointed at', () => {
  const e1 = errorOf(GOOD.replace('lighting: daylight', 'lighting: candlelight'));
  assert.equal(e1.where?.line, 10);
  assert.equal(e1.where?.field, 'scenarios.0.lighting');
  const e2 = errorOf(GOOD.replace('    frames: 3\n', '    frames: 3\n    colour: red\n'));
  assert.equal(e2.where?.line, 6);
  assert.equal(e2.where?.field, 'scenarios.0.colour');
  assert.match(e2.message, /unknown field 'colour'/);
});

test('semantic errors are located too: lighting beyond the frames, reserved train seeds, YAML syntax', () => {
  const e1 = errorOf(GOOD.replace('lighting: daylight', 'lighting:\n      - { at: 0, condition: daylight }\n      - { at: 5, condition: night }'));
  assert.equal(e1.where?.field, 'scenarios.0.lighting.1.at');
  assert.equal(e1.where?.line, 12);
  const e2 = errorOf(GOOD.replace('seed: 1', 'seed: 1000000001'));
  assert.equal(e2.where?.field, 'scenarios.0.seed');
  assert.equal(e2.where?.line, 4);
  const e3 = errorOf(GOOD.replace('tilt: 10', 'tilt: [10'));
  assert.equal(e3.where?.field, '(syntax)');
});

test('nightly covers ≥ 12 conditions × ≥ 3 backgrounds × ≥ 20 frames; signoff ≥ 2000 frames over all conditions', () => {
  const nightly = loadSuiteFile(join(SUITES_DIR, 'nightly.yaml')).scenarios;
  const cells = new Map<string, number>();
  for (const s of nightly) for (const l of s.lighting) cells.set(`${l.condition}/${s.background}`, (cells.get(`${l.condition}/${s.background}`) ?? 0) + s.frames);
  const conds = new Set([...cells.keys()].map((k) => k.split('/')[0]));
  assert.ok(conds.size >= 12);
  for (const c of CONDITION_NAMES) {
    const full = [...cells.entries()].filter(([k, n]) => k.startsWith(`${c}/`) && n >= 20);
    assert.ok(full.length >= 3, `${c} has ${full.length} backgrounds with ≥ 20 frames`);
  }
  const signoff = loadSuiteFile(join(SUITES_DIR, 'signoff.yaml')).scenarios;
  assert.ok(signoff.reduce((n, s) => n + s.frames, 0) >= 2000);
  assert.deepEqual(new Set(signoff.flatMap((s) => s.lighting.map((l) => l.condition))), new Set(CONDITION_NAMES));
});
