/**
 * Tampered firmware for the `hostile` profile: a device that lies to the harness the ways a
 * rooted, modified or broken phone can. Each benchmark run of the demo app serves the next case
 * in turn (the app side is apps/hostile-rio-twin.ts); the device side lies in its sync listing
 * and streams some files without end. The getprop lies come from the profile's `props`.
 * Used by the hostile battery (harness/src/replay/hostile-device.spec.ts) to prove containment.
 */
import { posix } from 'node:path';
import type { AppTwin } from '../apps/app-twin.ts';
import { hostileRioTwin } from '../apps/hostile-rio-twin.ts';
import { APP_PACKAGE } from '../../../android-demo/contract/app-identity.ts';

/** What one benchmark run on the hostile device does to the harness. */
export const HOSTILE_CASES = [
  /** crops listed as `../../../../.bashrc`, absolute paths, names with NUL, newline and ANSI escapes */
  'traversal-crop-names',
  /** results.json reports a frame the manifest does not have */
  'frames-not-in-manifest',
  /** status error with app error codes (third: the last attempt of the first scenario, so the final table prints it) and messages full of ANSI escapes and control characters */
  'control-characters-in-errors',
  /** results.json says ok but reports fewer frames than the manifest */
  'wrong-frame-count',
  /** results.json with stage times of 1e300 ms and corners a trillion pixels away */
  'absurd-numbers',
  /** results.json of 20 MiB */
  'oversize-results',
  /** results.json that streams without end over `cat` and sync RECV */
  'endless-results',
] as const;
export type HostileCase = (typeof HOSTILE_CASES)[number];

/** Crop names the firmware adds to a crops folder listing. */
export const HOSTILE_CROP_NAMES = ['../../../../.bashrc', '../../../../../.bashrc', '../../../../../../.bashrc',
  '/tmp/rio-hostile-absolute.jpg', 'evil\n0.jpg', 'nul\u00000.jpg', '\u001b[2J\u001b]0;pwned\u00070.jpg'];

/** One write of an endless stream; the stream's backpressure paces it. */
const ENDLESS_CHUNK = Buffer.alloc(64 * 1024, 0x20);

export class HostileFirmware {
  /** cases served so far, oldest first (the battery matches them to the harness's attempts) */
  readonly served: Array<{ case: HostileCase; runId: string }> = [];
  private readonly lyingCrops = new Set<string>();
  private readonly endlessFiles = new Set<string>();

  /** The app this firmware runs instead of a package's own twin (the demo app lies), if any. */
  twinFor(pkg: string): AppTwin | undefined {
    return pkg === APP_PACKAGE ? hostileRioTwin(this) : undefined;
  }

  /** The case for the next benchmark run (round robin), recorded as served. */
  nextCase(runId: string): HostileCase {
    const c = HOSTILE_CASES[this.served.length % HOSTILE_CASES.length]!;
    this.served.push({ case: c, runId });
    return c;
  }

  /** From now on, listing `cropsDir` also shows HOSTILE_CROP_NAMES. */
  lieAboutCrops(cropsDir: string): void {
    this.lyingCrops.add(posix.normalize(cropsDir));
  }

  /** From now on, reading `file` (cat, sync RECV) never ends. */
  makeEndless(file: string): void {
    this.endlessFiles.add(posix.normalize(file));
  }

  /** The names a listing of `dir` reports: the real ones, plus the lies for a lying crops folder. */
  listing(dir: string, names: string[]): string[] {
    return this.lyingCrops.has(posix.normalize(dir)) ? [...names, ...HOSTILE_CROP_NAMES] : names;
  }

  isEndless(file: string): boolean {
    return this.endlessFiles.has(posix.normalize(file));
  }

  /** Writes spaces until the reader goes away (the stream's signal aborts). */
  async streamForever(write: (b: Buffer) => Promise<void>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await write(ENDLESS_CHUNK);
      // let the transport deliver the host's CLSE between writes
      await new Promise((r) => setImmediate(r));
    }
  }
}
