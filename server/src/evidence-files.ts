import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RioError } from '../../harness/src/errors.ts';

/**
 * Resolves a user-supplied path inside one root, or throws NOT_FOUND. Both the lexical path and the
 * real path (after symlinks) must stay inside the root, so `..`, absolute paths, encoded separators
 * and symlinks out of the evidence folder all fail the same way.
 */
export async function resolveInside(root: string, requested: string, expect: 'file' | 'directory' = 'file'): Promise<string> {
  if (requested.includes('\0')) throw new RioError('NOT_FOUND', 'no such evidence file');
  const rootReal = await realpath(root).catch(() => { throw new RioError('NOT_FOUND', 'no evidence folder'); });
  const candidate = resolve(rootReal, requested);
  if (!within(rootReal, candidate)) throw new RioError('NOT_FOUND', 'no such evidence file', { path: requested });
  const real = await realpath(candidate).catch(() => { throw new RioError('NOT_FOUND', 'no such evidence file', { path: requested }); });
  const st = await stat(real);
  if (!within(rootReal, real) || (expect === 'file' ? !st.isFile() : !st.isDirectory())) throw new RioError('NOT_FOUND', 'no such evidence file', { path: requested });
  return real;
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
