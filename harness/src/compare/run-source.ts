/** Where compare reads a run from: its id in the store, or a run.json export (file or report folder). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.ts';
import { exportRun, validateRunExport, type RunExport } from '../store/run-export.ts';

export async function loadRun(ref: string, store: () => Promise<Store>): Promise<RunExport> {
  const file = existsSync(ref) && statSync(ref).isDirectory() ? join(ref, 'run.json') : ref;
  if (file.endsWith('.json') && existsSync(file)) return validateRunExport(JSON.parse(readFileSync(file, 'utf8')));
  return exportRun(await store(), ref);
}
