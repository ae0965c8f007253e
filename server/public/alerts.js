import { PALETTE, bandDatasets, legendWithoutBandLows, makeChart, markerLines, pageData, when } from './charts.js';

// One trend per alert: the nights of its series with their CIs, the step's night marked; a point opens its run.
const { charts } = pageData();
charts.forEach((c, i) => {
  const points = c.points.map((p) => ({ x: when(p.started_at), y: p.value, lo: p.lo, hi: p.hi, href: `/runs/${encodeURIComponent(p.run_id)}` }));
  const step = c.points.findIndex((p) => p.run_id === c.change_run_id);
  makeChart(`alert-chart-${i}`, {
    type: 'line',
    plugins: [markerLines],
    data: { labels: points.map((p) => p.x), datasets: [...bandDatasets(c.metric, points, PALETTE[0]),
      { label: c.metric, data: points, borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 4 }] },
    options: { plugins: { legend: legendWithoutBandLows, markerLines: { marks: step >= 0 ? [{ index: step, label: 'step' }] : [] } } },
  });
});
