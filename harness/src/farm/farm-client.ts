/**
 * The agent's and `submit`'s calls to a rio-farm server: JSON over HTTP(S) with a bearer token. An
 * unreachable or busy server (network error, 5xx) is asked again with backoff up to a deadline (a
 * server restart must not lose an upload); every other refusal is thrown with the server's own code.
 * HTTPS with a private CA: `NODE_EXTRA_CA_CERTS=ca.pem` (Node's own trust setting).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RioError, ErrorKinds, type ErrorCode } from '../errors.ts';

/** One request's deadline: the server answers these in milliseconds; imports of one device's run in well under this. */
const REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export interface CallOptions {
  /** keep retrying a down or busy server until this long has passed (0: one try) */
  retryForMs?: number;
  query?: Record<string, string>;
  method?: 'GET' | 'POST';
  /** this request's deadline (default REQUEST_TIMEOUT_MS) */
  timeoutMs?: number;
}

export class FarmClient {
  constructor(readonly server: string, private readonly token: string) {
    let u: URL | undefined;
    try { u = new URL(server); } catch { /* below */ }
    if (!u || !['http:', 'https:'].includes(u.protocol)) throw new RioError('BAD_ARGUMENT', `--server needs an http(s) URL, got ${JSON.stringify(server)}`, { option: '--server' });
  }

  async call<T>(path: string, body?: unknown, o: CallOptions = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const until = Date.now() + (o.retryForMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      let failure: RioError;
      try {
        const res = await fetch(url, {
          method: o.method ?? (body === undefined ? 'GET' : 'POST'),
          headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(o.timeoutMs ?? REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        if (res.ok) return JSON.parse(text) as T;
        let code: ErrorCode = 'STORE_ERROR';
        let message = text.slice(0, 500);
        try {
          const e = JSON.parse(text) as { error?: string; message?: string };
          if (e.error && e.error in ErrorKinds) code = e.error as ErrorCode;
          if (e.message) message = e.message;
        } catch { /* not JSON: keep the text */ }
        failure = new RioError(code, `${url.pathname}: ${res.status} ${message}`, { status: res.status });
        if (res.status < 500) throw failure;
      } catch (err) {
        if (err instanceof RioError) { if (Number(err.where?.status) < 500) throw err; failure = err; }
        else failure = new RioError('STORE_ERROR', `${url.origin} unreachable: ${(err as Error).message}`, { url: url.origin });
      }
      if (Date.now() >= until) throw failure;
      await sleep(Math.min(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!, Math.max(0, until - Date.now())));
    }
  }
}

/** A token from a file (`--token-file`) or the environment — never from the command line, which `ps` shows. */
export function readToken(file: string | undefined, envName: string, readFile: (p: string) => string): string {
  if (file) {
    let t: string;
    try { t = readFile(file).trim(); } catch (err) {
      throw new RioError('BAD_CONFIG', `cannot read the token file: ${(err as Error).message}`, { option: '--token-file', file });
    }
    if (!t) throw new RioError('BAD_CONFIG', 'the token file is empty', { option: '--token-file', file });
    return t;
  }
  const t = process.env[envName]?.trim();
  if (!t) throw new RioError('BAD_CONFIG', `no token: pass --token-file FILE or set ${envName}`, { option: '--token-file' });
  return t;
}
