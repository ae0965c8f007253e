/**
 * `--upload URL`: POSTs the run export (reports/<run-id>/run.json, RunExportSchema) to a rio-farm
 * server's /api/runs with `Authorization: Bearer $RIO_FARM_TOKEN`. A busy server (503) is asked again
 * after its Retry-After, a few times; every other refusal is reported with the server's own reason.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { RioError, type ErrorCode } from '../errors.ts';

/** Tries after a 503: the server's queue drains in seconds, so a few retries cover a busy night. */
const BUSY_RETRIES = 4;
/** Longest Retry-After honoured: a server asking for more is treated as busy for this upload. */
const MAX_RETRY_AFTER_S = 60;

/** What each refusal means to the harness (the server's catalogue code when it sent one). */
function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'TOO_LARGE';
  if (status === 503) return 'BUSY';
  if (status === 400) return 'BAD_ARGUMENT';
  return 'STORE_ERROR';
}

export interface UploadOptions {
  /** Hears each 503 before the wait (progress output, tests). */
  onBusy?: (retryAfterS: number) => void;
}

export async function uploadRun(serverUrl: string, runJsonPath: string, token: string | undefined = process.env.RIO_FARM_TOKEN, opts: UploadOptions = {}): Promise<void> {
  if (!token) throw new RioError('BAD_CONFIG', 'RIO_FARM_TOKEN is not set (needed by --upload)', { option: '--upload' });
  const url = new URL('/api/runs', serverUrl);
  const body = readFileSync(runJsonPath);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    } catch (err) {
      throw new RioError('STORE_ERROR', `upload to ${url} failed: ${(err as Error).message}`, { url: url.toString() });
    }
    if (res.ok) return;
    const text = (await res.text()).slice(0, 300);
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 503 && attempt < BUSY_RETRIES && retryAfter > 0 && retryAfter <= MAX_RETRY_AFTER_S) {
      opts.onBusy?.(retryAfter);
      await sleep(retryAfter * 1000);
      continue;
    }
    throw new RioError(codeFor(res.status), `upload to ${url} answered ${res.status}: ${text}`, { url: url.toString() });
  }
}
