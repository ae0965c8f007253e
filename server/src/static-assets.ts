import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** server/public: the dashboards' own small ES modules and stylesheet. */
export const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

/** chart.js's UMD build, read from node_modules: the farm may be offline, so no CDN. */
export const CHART_JS_PATH = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

/** Serves /static/* from server/public and /vendor/chart.umd.js from node_modules. */
export async function registerStaticAssets(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', index: false, dotfiles: 'deny', maxAge: 60_000 });
  const chart = await readFile(CHART_JS_PATH);
  app.get('/vendor/chart.umd.js', { schema: {} }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(chart));
  // Browsers ask for it on every non-HTML document (evidence files); answer without a 404.
  app.get('/favicon.ico', { schema: {} }, async (_req, reply) => reply.status(204).header('cache-control', 'public, max-age=86400').send());
}
