/**
 * POST /api/runs: another harness host uploads a run export. Bearer token first (before the body is
 * read), then the size limit, then the schema; the write is idempotent by run id.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { Type } from '@fastify/type-provider-typebox';
import { RunExportSchema, importRun, type RunExport } from '../../../harness/src/store/run-export.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { DEFAULT_INGEST_LIMIT_BYTES, type App, type ServerContext } from '../app.ts';

// Uploaded rows are stored as sent: no type coercion or default filling, unlike query strings.
const strictAjv = new Ajv({ strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false });

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
export function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(token));
}

export function registerIngestRoute(app: App, ctx: ServerContext): void {
  app.post('/api/runs', {
    bodyLimit: ctx.ingestLimitBytes ?? DEFAULT_INGEST_LIMIT_BYTES,
    schema: {
      body: RunExportSchema,
      response: { '2xx': Type.Object({ run_id: Type.String(), created: Type.Boolean(), measurements: Type.Integer() }) },
    },
    validatorCompiler: ({ schema }) => strictAjv.compile(schema),
    onRequest: async (req) => {
      if (!ctx.ingestToken) throw new RioError('UNAUTHORIZED', 'ingest is disabled on this server: start it with RIO_FARM_TOKEN set');
      if (!tokenMatches(req.headers.authorization, ctx.ingestToken)) throw new RioError('UNAUTHORIZED', 'missing or wrong bearer token');
    },
  }, async (req, reply) => {
    const exp = req.body as unknown as RunExport;
    const existed = await ctx.store.db.get('SELECT 1 AS x FROM runs WHERE id = ?', [exp.run.id]);
    await importRun(ctx.store, exp);
    // A new run's stored frames are exactly the uploaded ones; a repeat keeps the rows stored first.
    await ctx.summaries.summarize(exp.run.id, existed ? undefined : exp.measurements);
    req.log.info({ run: exp.run.id, measurements: exp.measurements.length, created: !existed }, 'run ingested');
    return reply.status(existed ? 200 : 201).send({ run_id: exp.run.id, created: !existed, measurements: exp.measurements.length });
  });
}
