import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateResults, type Results } from './results-schema.ts';
import { validateManifest } from './manifest-schema.ts';
import { RioError } from '../../harness/src/errors.ts';

/** A hand-written, complete results document as the app writes it. */
export function sampleResults(): Results {
  return {
    schema: 'rio-results/1', run_id: 'r1',
    app: { package: 'dev.riofarm.rio', version_name: '0.1.0', version_code: 1 },
    model: { sha256: 'a'.repeat(64), input_shape: [1, 256, 256, 3] },
    delegate: { requested: 'gpu', used: 'cpu' }, threads: 4, warmup: 2, fps: 30,
    device_state: { start: { thermal_status: 0, battery_temp_c: 31 }, end: { thermal_status: 1, battery_temp_c: 36.5 } },
    status: 'ok', errors: [],
    frames: [
      { index: 0, file: 'frames/x.jpg', t_decode: 3, t_pre: 1, t_infer: 20, t_post: 1, t_total: 25, dropped: false,
        detections: [{ quad: [[1, 2], [30, 2], [30, 20], [1, 20]], score: 0.9 }] },
      { index: 1, file: 'frames/y.jpg', t_decode: 0, t_pre: 0, t_infer: 0, t_post: 0, t_total: 0, dropped: true, detections: [] },
    ],
  };
}

function rejects(mutate: (r: any) => void, field: string): void {
  const r: any = structuredClone(sampleResults());
  mutate(r);
  assert.throws(() => validateResults(r, 'runs/r1/results.json'), (e: unknown) =>
    e instanceof RioError && e.code === 'INVALID_RESULTS' && e.where?.field === field && e.message.includes('runs/r1/results.json'));
}

test('accepts a complete results document', () => {
  assert.equal(validateResults(sampleResults(), 'x').frames.length, 2);
});

test('names the bad field path', () => {
  rejects((r) => { r.frames[0].t_infer = -1; }, '/frames/0/t_infer');
  rejects((r) => { r.frames[0].detections[0].quad = [[1, 2], [3, 4], [5, 6]]; }, '/frames/0/detections/0/quad');
  rejects((r) => { r.delegate.used = 'tpu'; }, '/delegate/used');
  rejects((r) => { delete r.device_state.end; }, '/device_state/end');
  rejects((r) => { r.model.sha256 = 'nothex'; }, '/model/sha256');
  rejects((r) => { r.schema = 'rio-results/2'; }, '/schema');
});

test('rejects status ok with errors and duplicate frame indexes', () => {
  rejects((r) => { r.errors.push({ code: 'X', message: 'm' }); }, '/status');
  rejects((r) => { r.frames[1].index = 0; }, '/frames/1/index');
});

test('manifest: frames must be content-addressed relative paths', () => {
  const m = { schema: 'rio-manifest/1', run_id: 'r', scenario: 's', frames: [{ index: 0, file: 'frames/ab.jpg' }] };
  assert.equal(validateManifest(m, 'm').frames.length, 1);
  assert.throws(() => validateManifest({ ...m, frames: [{ index: 0, file: '/etc/passwd' }] }, 'm'),
    (e: unknown) => e instanceof RioError && e.code === 'BAD_ARGUMENT' && e.where?.field === '/frames/0/file');
});

test('manifest: the camera field of view is optional and must be a real angle', () => {
  const m = { schema: 'rio-manifest/1', run_id: 'r', scenario: 's', frames: [] };
  assert.equal(validateManifest({ ...m, camera: { fov_deg: 66 } }, 'm').camera?.fov_deg, 66);
  assert.equal(validateManifest(m, 'm').camera, undefined);
  for (const fov of [0, 180, -3]) {
    assert.throws(() => validateManifest({ ...m, camera: { fov_deg: fov } }, 'm'),
      (e: unknown) => e instanceof RioError && e.where?.field === '/camera/fov_deg', `fov_deg ${fov}`);
  }
});
