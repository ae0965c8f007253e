/** `rio-farm serve`: opens the store, builds the server, listens, prints the dashboard URL. */
import { resolve } from 'node:path';
import { DEFAULT_DB_URL, openStore, redact } from '../../harness/src/store/index.ts';
import { buildServer } from './app.ts';

export interface ServeOptions { port: number; host: string; db?: string; token?: string }

/** Where the scenario generator caches frames (RIO_FARM_CACHE overrides, as for the generator). */
export function scenarioCacheDir(): string {
  return resolve(process.env.RIO_FARM_CACHE ?? '.rio-farm/scenarios');
}

export async function startServer(o: ServeOptions): Promise<void> {
  const url = o.db ?? process.env.RIO_FARM_DB ?? DEFAULT_DB_URL;
  const store = await openStore(url);
  const token = o.token ?? process.env.RIO_FARM_TOKEN;
  const app = await buildServer({ store, ingestToken: token || undefined, scenarioCacheDir: scenarioCacheDir(), reportsDir: resolve('reports'),
    logger: { level: process.env.RIO_FARM_LOG_LEVEL ?? 'info' } });
  const stop = async () => { await app.close(); await store.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port: o.port, host: o.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  process.stdout.write(`rio-farm: store ${redact(url)}; ingest ${token ? 'enabled (bearer token)' : 'disabled (set RIO_FARM_TOKEN)'}\n`);
  process.stdout.write(`rio-farm: dashboard at http://${shown}:${port}/\n`);
}
