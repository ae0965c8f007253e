/** Evidence behind the numbers: a run's files (logcat, results.json, crops) and worst-frame images. */
import { createReadStream } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { Type } from '@fastify/type-provider-typebox';
import { RioError } from '../../../harness/src/errors.ts';
import type { App, ServerContext } from '../app.ts';
import { resolveInside } from '../evidence-files.ts';
import { frameTruth } from '../queries/frames.ts';
import { INT32_MAX } from '../../../harness/src/store/limits.ts';

/** Evidence is shown, never executed: anything not in this list is sent as a download. */
const INLINE_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8', '.log': 'text/plain; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.xml': 'text/plain; charset=utf-8',
};

export function registerEvidenceRoutes(app: App, ctx: ServerContext): void {
  const db = ctx.store.db;

  app.get('/evidence/:runId/*', {
    schema: { params: Type.Object({ runId: Type.String({ minLength: 1, maxLength: 300 }), '*': Type.String({ minLength: 1, maxLength: 1000 }) }) },
  }, async (req, reply) => {
    const run = await ctx.store.getRun(req.params.runId);
    if (!run) throw new RioError('NOT_FOUND', 'no such run', { run: req.params.runId });
    if (!run.out_dir) throw new RioError('NOT_FOUND', 'this run kept no evidence folder', { run: req.params.runId });
    // out_dir comes from the run (and so from an uploading host): it must lie in this server's
    // reports folder, or an upload naming out_dir "/" would publish the whole file system.
    const outDir = isAbsolute(run.out_dir) ? run.out_dir : resolve(dirname(ctx.reportsDir), run.out_dir);
    const root = await resolveInside(ctx.reportsDir, relative(ctx.reportsDir, outDir), 'directory');
    const file = await resolveInside(root, req.params['*']);
    const type = INLINE_TYPES[extname(file).toLowerCase()];
    reply.type(type ?? 'application/octet-stream');
    if (!type) reply.header('content-disposition', 'attachment');
    return reply.send(createReadStream(file));
  });

  app.get('/api/frame-image', {
    schema: { querystring: Type.Object({ attempt: Type.String({ minLength: 1, maxLength: 400 }), frame: Type.Integer({ minimum: 0, maximum: INT32_MAX }) }, { additionalProperties: false }) },
  }, async (req, reply) => {
    const truth = await frameTruth(db, req.query.attempt, req.query.frame);
    const { jpeg, hit } = await ctx.frameImages.image(truth);
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=300').header('x-rio-cache', hit ? 'hit' : 'miss').send(jpeg);
  });
}
