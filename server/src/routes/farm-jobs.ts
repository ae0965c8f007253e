/**
 * Jobs and hosts: POST /api/jobs (the admin token, like ingest), GET /api/jobs, GET /api/hosts and the
 * /hosts page (hosts, their devices, last heartbeat, running and queued jobs, quarantines, job and
 * attempt history per device — all filterable by host).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from '../app.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { jobsFor } from '../../../harness/src/farm/job-request.ts';
import type { HostAuth } from '../host-auth.ts';
import type { FarmSettings } from '../farm-settings.ts';
import { farmView } from '../queries/farm.ts';
import { hostsPage } from '../views/hosts-page.ts';

const Submit = Type.Object({
  suite: Type.String({ minLength: 1, maxLength: 100 }),
  devices: Type.String({ minLength: 1, maxLength: 2000, default: 'all' }),
  repeat: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  scenarios: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 })),
  labels: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' }), Type.String({ maxLength: 500 }), { default: {} }),
}, { additionalProperties: false });
const HostQuery = Type.Object({ host: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false });

export function registerFarmJobRoutes(app: App, ctx: ServerContext, auth: HostAuth, farm: FarmSettings): void {
  app.post('/api/jobs', { onRequest: async (req) => auth.admin(req), schema: { body: Submit } }, async (req, reply) => {
    const registered = (await ctx.store.hostDevices()).map((d) => d.serial);
    const jobs = jobsFor({ suite: req.body.suite, devices: req.body.devices, repeat: req.body.repeat, labels: req.body.labels as Record<string, string>,
      scenarios: req.body.scenarios }, registered);
    await ctx.store.submitJobs(jobs);
    return reply.status(201).send({ jobs: jobs.map((j) => ({ id: j.id, target_kind: j.target_kind, target: j.target })) });
  });

  // An operator fixed a quarantined phone: it may take work again (its failure streak starts over).
  app.post('/api/devices/:serial/release', { onRequest: async (req) => auth.admin(req),
    schema: { params: Type.Object({ serial: Type.String({ minLength: 1, maxLength: 200 }) }) } }, async (req) => {
    if (!await ctx.store.releaseQuarantine(req.params.serial)) throw new RioError('NOT_FOUND', `no farm device ${req.params.serial}`, { device: req.params.serial });
    req.log.info({ device: req.params.serial }, 'quarantine released');
    return { serial: req.params.serial, quarantined: false };
  });

  app.get('/api/jobs', { schema: { querystring: HostQuery } }, async (req) => ({ jobs: await ctx.store.listJobs(req.query.host) }));
  app.get('/api/jobs/:id', { schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }) } }, async (req) => {
    const job = await ctx.store.getJob(req.params.id);
    if (!job) throw new RioError('NOT_FOUND', `no job ${req.params.id}`, { job: req.params.id });
    return { job, attempts: await ctx.store.jobAttempts(job.id), scenarios: await ctx.store.jobScenarios(job.id) };
  });
  app.get('/api/hosts', { schema: { querystring: HostQuery } }, async (req) => farmView(ctx.store, farm, req.query.host));
  app.get('/hosts', { schema: { querystring: HostQuery } }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(hostsPage(await farmView(ctx.store, farm, req.query.host), req.query.host)));
}
