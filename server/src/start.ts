/** `rio-farm serve`: opens the store, builds the server, listens, prints the dashboard URL. */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { RioError } from '../../harness/src/errors.ts';
import { farmSettingsFromEnv } from './farm-settings.ts';
import { DEFAULT_DB_URL, openStore, redact } from '../../harness/src/store/index.ts';
import { buildServer } from './app.ts';

export interface ServeOptions { port: number; host: string; db?: string; token?: string; tlsCert?: string; tlsKey?: string }

/** Where the scenario generator caches frames (RIO_FARM_CACHE overrides, as for the generator). */
export function scenarioCacheDir(): string {
  return resolve(process.env.RIO_FARM_CACHE ?? '.rio-farm/scenarios');
}

export async function startServer(o: ServeOptions): Promise<void> {
  const url = o.db ?? process.env.RIO_FARM_DB ?? DEFAULT_DB_URL;
  const tls = readTls(o);
  const store = await openStore(url);
  const farm = farmSettingsFromEnv();
  // Agents could not heartbeat while this server was down: their leases get one more period, not a reaping.
  await store.extendRunningLeases(farm.leaseMs);
  const token = o.token ?? process.env.RIO_FARM_TOKEN;
  const app = await buildServer({ store, ingestToken: token || undefined, scenarioCacheDir: scenarioCacheDir(), reportsDir: resolve('reports'),
    logger: { level: process.env.RIO_FARM_LOG_LEVEL ?? 'info' }, farm, tls });
  const stop = async () => { await app.close(); await store.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port: o.port, host: o.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  process.stdout.write(`rio-farm: store ${redact(url)}; ingest ${token ? 'enabled (bearer token)' : 'disabled (set RIO_FARM_TOKEN)'}\n`);
  process.stdout.write(`rio-farm: dashboard at ${tls ? 'https' : 'http'}://${shown}:${port}/\n`);
}

/** --tls-cert and --tls-key come together; an unreadable file is named. */
function readTls(o: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  if (!o.tlsCert && !o.tlsKey) return undefined;
  if (!o.tlsCert || !o.tlsKey) throw new RioError('BAD_ARGUMENT', '--tls-cert and --tls-key go together', { option: o.tlsCert ? '--tls-key' : '--tls-cert' });
  const read = (file: string, option: string) => {
    try { return readFileSync(file); } catch (err) {
      throw new RioError('BAD_CONFIG', `cannot read ${option}: ${(err as Error).message}`, { option, file });
    }
  };
  return { cert: read(o.tlsCert, '--tls-cert'), key: read(o.tlsKey, '--tls-key') };
}
