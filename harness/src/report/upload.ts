/**
 * `--upload URL`: POSTs the run export (reports/<run-id>/run.json, RunExportSchema) to a rio-farm
 * server's /api/runs with `Authorization: Bearer $RIO_FARM_TOKEN`.
 */
import { readFileSync } from 'node:fs';
import { RioError } from '../errors.ts';

export async function uploadRun(serverUrl: string, runJsonPath: string, token = process.env.RIO_FARM_TOKEN): Promise<void> {
  if (!token) throw new RioError('BAD_CONFIG', 'RIO_FARM_TOKEN is not set (needed by --upload)', { option: '--upload' });
  const url = new URL('/api/runs', serverUrl);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: readFileSync(runJsonPath),
    });
  } catch (err) {
    throw new RioError('STORE_ERROR', `upload to ${url} failed: ${(err as Error).message}`, { url: url.toString() });
  }
  if (!res.ok) {
    const text = (await res.text()).slice(0, 300);
    throw new RioError(res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'STORE_ERROR', `upload to ${url} answered ${res.status}: ${text}`, { url: url.toString() });
  }
}
