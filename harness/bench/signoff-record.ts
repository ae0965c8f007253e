/**
 * Records the vdevice noise `npm run bench:signoff` resamples: one real A/A sign-off (the release
 * model in both arms) on vdevices through the real adb server, its blocks' frames written as a
 * compact fixture (harness/bench/fixtures/signoff-noise.json). Run once; re-run to refresh.
 *   node --import tsx harness/bench/signoff-record.ts [--devices 2] [--units 12] [--suite signoff] [--fixture PATH]
 *   node --import tsx harness/bench/signoff-record.ts --from-db sqlite:PATH --signoff ID   # the blocks a (running or
 *     stopped) recording has stored so far: on a host too loaded to finish one, its completed units
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestFarm } from '../test-support/farm.ts';
import { openStore } from '../src/store/index.ts';
import { RELEASE_MODEL } from '../../android-demo/apk/index.ts';
import { runSignoff } from '../src/signoff/run-signoff.ts';
import { generateSigningKey, loadSigningKey } from '../src/signoff/signing.ts';
import { QUICK_POLICY_PATH } from '../src/signoff/policy.ts';
import { signoffBlocks } from '../src/store/signoffs.ts';
import { loadBlocks } from '../src/signoff/evidence.ts';
import { NOISE_FIXTURE, type NoiseFixture } from './signoff-noise.ts';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '2' }, units: { type: 'string', default: '12' }, suite: { type: 'string', default: 'signoff' },
  'from-db': { type: 'string' }, signoff: { type: 'string' },
  fixture: { type: 'string', default: NOISE_FIXTURE } } });
const FIXTURE = values.fixture!; // --fixture: record a host's noise apart from the committed file

/** Writes the fixture from a sign-off's stored blocks (only whole units are used by the bench: signoff-noise.ts). */
async function writeFixture(db: string, id: string, verdict: string, wallMs: number): Promise<number> {
  const store = await openStore(db);
  const blocks = await loadBlocks(store, await signoffBlocks(store, id));
  await store.close();
  const fixture: NoiseFixture = {
    recorded: new Date().toISOString(), suite: values.suite!, signoff: id, verdict, wall_ms: wallMs, model: 'android-demo/model/release/rio.tflite (both arms)',
    blocks: blocks.map((b) => ({ serial: b.serial, unit: b.unit, position: b.position, valid: b.valid, wall_ms: Math.round(b.wall_ms),
      frames: b.frames.map((f) => [f.key, f.lighting, f.negative ? 1 : 0, f.tTotal === null ? null : Math.round(f.tTotal * 1000) / 1000, f.cards, f.matched, Math.round(f.iou * 1e6) / 1e6, f.detections, f.seen ? 1 : 0,
        f.tInferCpu === null ? null : Math.round(f.tInferCpu * 1000) / 1000]) })),
  };
  writeFileSync(FIXTURE, JSON.stringify(fixture));
  return blocks.length;
}

if (values['from-db']) {
  if (!values.signoff) throw new Error('--from-db needs --signoff ID');
  const n = await writeFixture(values['from-db'], values.signoff, 'unfinished (blocks stored so far)', 0);
  process.stdout.write(`wrote ${n} stored blocks of ${values.signoff} → ${FIXTURE}\n`);
  process.exit(0);
}

const units = Number(values.units);
const dir = mkdtempSync(join(tmpdir(), 'rio-signoff-record-'));
const farm = await startTestFarm({ count: Number(values.devices), profiles: ['pixel-7-virtual', 'galaxy-a54-virtual'] });
process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
try {
  const policy = join(dir, 'record.yaml');
  writeFileSync(policy, readFileSync(QUICK_POLICY_PATH, 'utf8').replace(/^ {2}units: 3 .*$/m, `  units: ${units}`).replace(/max_units: 6/, `max_units: ${units}`)
    .replace(/^suite: .*$/m, `suite: ${values.suite}`));
  generateSigningKey(join(dir, 'key.pem'));
  const db = `sqlite:${join(dir, 'rio-farm.db')}`;
  const t0 = Date.now();
  const s = await runSignoff({ candidate: RELEASE_MODEL, baseline: RELEASE_MODEL, policy, devices: farm.serials, db, out: join(dir, 'out'),
    key: loadSigningKey(join(dir, 'key.pem')), vdevices: 0 });
  const n = await writeFixture(db, s.id, s.verdict, Date.now() - t0);
  process.stdout.write(`recorded ${n} blocks of ${s.id} (${s.verdict}) in ${Math.round((Date.now() - t0) / 1000)} s → ${FIXTURE}\n`);
} finally {
  await farm.stop();
  rmSync(dir, { recursive: true, force: true });
}
