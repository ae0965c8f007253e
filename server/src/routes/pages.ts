/** The server-rendered dashboards. Data reaches the page scripts in a JSON block, never inline code. */
import { Type } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from '../app.ts';
import { listRuns, runDetail } from '../queries/runs.ts';
import { listFrames } from '../queries/frames.ts';
import { getDevice, listDevices } from '../queries/devices.ts';
import { deviceLightings, deviceSeries } from '../queries/series.ts';
import { homePage } from '../views/home-page.ts';
import { devicePage } from '../views/device-page.ts';
import { runPage } from '../views/run-page.ts';
import { comparePage } from '../views/compare-page.ts';
import { devicesPage, framesPage, runsPage } from '../views/lists-pages.ts';
import { RunsQuery } from './api.ts';
import { parseTime } from './time-param.ts';
import { LATENCY_MAX_MS } from '../../../harness/src/store/limits.ts';

const HTML = 'text/html; charset=utf-8';
const Id = Type.String({ minLength: 1, maxLength: 300 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
/** Points shown on a trend chart: the regression-detection windows look back ~50 runs. */
const TREND_POINTS = 60;
/** Thermal and health events listed on a device page, newest first. */
const DEVICE_EVENTS_SHOWN = 100;

export function registerPageRoutes(app: App, ctx: ServerContext): void {
  const db = ctx.store.db;

  app.get('/', { schema: { querystring: Type.Object({ suite: Type.Optional(Name) }) } }, async (req, reply) => {
    const suites = await ctx.store.suites();
    // Nightly is what people come for; a store without one shows the suite it has (a smoke quick start).
    const latest = suites.includes('nightly') ? undefined : await ctx.store.latestSuite();
    const suite = req.query.suite ?? latest ?? 'nightly';
    return reply.type(HTML).send(homePage(suite, suites, await ctx.home.view(suite)));
  });

  app.get('/runs', { schema: { querystring: RunsQuery } }, async (req, reply) => {
    const q = req.query;
    const { runs, total } = await listRuns(db, { ...q, from: parseTime(q.from, 'from'), to: parseTime(q.to, 'to') });
    const { limit: _l, offset: _o, ...filter } = q;
    return reply.type(HTML).send(runsPage(filter, runs, total));
  });

  app.get('/runs/:id', { schema: { params: Type.Object({ id: Id }) } }, async (req, reply) =>
    reply.type(HTML).send(runPage(await runDetail(db, req.params.id))));

  app.get('/runs/:id/frames', {
    schema: {
      params: Type.Object({ id: Id }),
      querystring: Type.Object({
        device: Type.Optional(Name), lighting: Type.Optional(Name), scenario: Type.Optional(Type.String({ maxLength: 200 })),
        min_latency: Type.Optional(Type.Number({ minimum: 0, maximum: LATENCY_MAX_MS })), max_latency: Type.Optional(Type.Number({ minimum: 0, maximum: LATENCY_MAX_MS })),
        sort: Type.Union([Type.Literal('frame'), Type.Literal('iou'), Type.Literal('latency')], { default: 'iou' }),
        // An offset PostgreSQL's BIGINT cannot take would be a 500; no run has ten million frames.
        offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      }),
    },
  }, async (req, reply) => {
    const { frames, total } = await listFrames(db, req.params.id, req.query);
    return reply.type(HTML).send(framesPage(req.params.id, req.query, frames, total));
  });

  app.get('/devices', { schema: {} }, async (_req, reply) => reply.type(HTML).send(devicesPage(await listDevices(db))));

  app.get('/devices/:serial', {
    schema: { params: Type.Object({ serial: Id }), querystring: Type.Object({ suite: Type.Optional(Name), lighting: Type.Optional(Name) }) },
  }, async (req, reply) => {
    const device = await getDevice(db, req.params.serial);
    const suite = req.query.suite ?? 'nightly';
    const lighting = req.query.lighting ?? '*';
    const q = { device: device.serial, lighting, suite, limit: TREND_POINTS };
    const [latency, latencyP90, iou, lightings, events] = await Promise.all([
      deviceSeries(db, { ...q, metric: 'latency_p50' }),
      deviceSeries(db, { ...q, metric: 'latency_p90' }),
      deviceSeries(db, { ...q, metric: 'iou_mean' }),
      deviceLightings(db, device.serial),
      ctx.store.deviceEvents(device.serial, DEVICE_EVENTS_SHOWN),
    ]);
    return reply.type(HTML).send(devicePage({
      device, suite, lighting, lightings, latency, latency_p90: latencyP90, iou,
      thermal_events: events.map((e) => ({ ...e, at: Number(e.at) })),
    }));
  });

  app.get('/compare', { schema: { querystring: Type.Object({ a: Type.Optional(Id), b: Type.Optional(Id) }) } }, async (req, reply) => {
    const { a, b } = req.query;
    const recent = (await listRuns(db, { limit: 200, offset: 0 })).runs;
    const cells = a && b ? (await ctx.compare.compare(a, b)).cells : null;
    return reply.type(HTML).send(comparePage(a, b, recent, cells));
  });
}
