/** The read API: runs, run detail, frames, devices, series, compare, home, health. */
import { Type } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from '../app.ts';
import { listRuns, runDetail } from '../queries/runs.ts';
import { listFrames } from '../queries/frames.ts';
import { getDevice, listDevices } from '../queries/devices.ts';
import { deviceSeries, METRICS, type MetricName } from '../queries/series.ts';
import { parseTime } from './time-param.ts';
import { LATENCY_MAX_MS } from '../../../harness/src/store/limits.ts';

const Id = Type.String({ minLength: 1, maxLength: 300 });
const Page = { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }) };
const Text = Type.String({ minLength: 1, maxLength: 200 });
const MetricParam = Type.Union(Object.keys(METRICS).map((k) => Type.Literal(k)));

export const RunsQuery = Type.Object({
  suite: Type.Optional(Text), device: Type.Optional(Text), model: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{1,64}$' })),
  app_version: Type.Optional(Text), label: Type.Optional(Text),
  from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })), ...Page,
}, { additionalProperties: false });

export function registerApiRoutes(app: App, ctx: ServerContext): void {
  const db = ctx.store.db;
  app.get('/api/health', {
    schema: { response: { 200: Type.Object({ ok: Type.Boolean(), store: Type.String(), runs: Type.Integer() }) } },
  }, async () => {
    return { ok: true, store: db.kind, runs: await ctx.store.countRuns() };
  });

  app.get('/api/home', { schema: { querystring: Type.Object({ suite: Type.String({ minLength: 1, maxLength: 100, default: 'nightly' }) }, { additionalProperties: false }) } },
    async (req) => ({ suite: req.query.suite, ...await ctx.home.view(req.query.suite) }));

  app.get('/api/runs', { schema: { querystring: RunsQuery } }, async (req) => {
    const q = req.query;
    return listRuns(db, { ...q, from: parseTime(q.from, 'from'), to: parseTime(q.to, 'to') });
  });

  app.get('/api/runs/:id', { schema: { params: Type.Object({ id: Id }) } }, async (req) => runDetail(db, req.params.id));

  app.get('/api/runs/:id/frames', {
    schema: {
      params: Type.Object({ id: Id }),
      querystring: Type.Object({
        device: Type.Optional(Text), lighting: Type.Optional(Text), scenario: Type.Optional(Text),
        min_latency: Type.Optional(Type.Number({ minimum: 0, maximum: LATENCY_MAX_MS })), max_latency: Type.Optional(Type.Number({ minimum: 0, maximum: LATENCY_MAX_MS })),
        sort: Type.Union([Type.Literal('frame'), Type.Literal('iou'), Type.Literal('latency')], { default: 'frame' }), ...Page,
      }, { additionalProperties: false }),
    },
  }, async (req) => listFrames(db, req.params.id, req.query));

  app.get('/api/devices', { schema: {} }, async () => ({ devices: await listDevices(db) }));
  app.get('/api/devices/:serial', { schema: { params: Type.Object({ serial: Id }) } }, async (req) => getDevice(db, req.params.serial));

  app.get('/api/series', {
    schema: {
      querystring: Type.Object({
        device: Text, metric: MetricParam, lighting: Type.String({ minLength: 1, maxLength: 200, default: '*' }),
        suite: Type.String({ minLength: 1, maxLength: 100, default: 'nightly' }),
        kind: Type.Optional(Type.Union([Type.Literal('virtual'), Type.Literal('real')])),
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const q = req.query;
    return deviceSeries(db, { device: q.device, metric: q.metric as MetricName, lighting: q.lighting, suite: q.suite, limit: q.limit,
      ...(q.kind ? { virtual: q.kind === 'virtual' } : {}) });
  });

  app.get('/api/compare', { schema: { querystring: Type.Object({ a: Id, b: Id }, { additionalProperties: false }) } },
    async (req) => ctx.compare.compare(req.query.a, req.query.b));
}
