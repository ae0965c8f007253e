/**
 * The tiny sign-off policy of the end-to-end specs and the bench's real sign-offs: the quick policy on
 * the smoke suite in blocks of ~6 frames, 2 ABBA units (3 at most). Seconds on one vdevice — a check
 * that the machinery works and judges, never a release sign-off (its name says quick/TEST).
 */
import { readFileSync } from 'node:fs';
import { QUICK_POLICY_PATH } from '../src/signoff/policy.ts';

export function tinyPolicyText(maxUnits = 2): string {
  return readFileSync(QUICK_POLICY_PATH, 'utf8').replace(/^suite: .*$/m, 'suite: smoke')
    .replace(/^ {2}frames: 24 .*$/m, '  frames: 6').replace(/^ {2}frames: 48 .*$/m, '  frames: 8')
    .replace(/^ {2}units: 3 .*$/m, '  units: 2').replace(/max_units: 6/, `max_units: ${maxUnits}`);
}
