/**
 * Every build a nightly ran, kept by APK sha256 under .rio-farm/nightly/apks/: the confirmation run
 * reinstalls the previous night's build next to tonight's.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class ApkArchive {
  constructor(private readonly dir: string) {}

  /** Keeps a copy of the APK; returns its sha256 (the runs table's apk_sha256). */
  keep(apk: string): string {
    const sha = createHash('sha256').update(readFileSync(apk)).digest('hex');
    mkdirSync(this.dir, { recursive: true });
    const to = this.path(sha);
    if (!existsSync(to)) copyFileSync(apk, to);
    return sha;
  }

  /** The archived APK of a build, if this host ran it. */
  find(sha: string): string | undefined {
    const p = this.path(sha);
    return existsSync(p) ? p : undefined;
  }

  private path(sha: string) { return join(this.dir, `${sha}.apk`); }
}
