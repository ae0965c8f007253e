import { PALETTE, bandDatasets, legendWithoutBandLows, makeChart, markerLines, pageData, query, when } from './charts.js';

const d = pageData();
const serial = d.device.serial;
const labelOf = (p) => `${when(p.started_at)}`;
const labels = d.latency.points.map(labelOf);
const runHref = (p) => `/runs/${encodeURIComponent(p.run_id)}`;
const framesHref = (p) => `/runs/${encodeURIComponent(p.run_id)}/frames${query({ device: serial, lighting: d.lighting === '*' ? undefined : d.lighting, sort: 'iou' })}`;
const marks = d.latency.fingerprint_changes.map((c) => ({ index: d.latency.points.findIndex((p) => p.run_id === c.run_id), label: 'fingerprint changed' }))
  .filter((m) => m.index >= 0);
const thermal = (points) => points.map((p) => p.thermal_excluded > 0);

function pointsOf(series, href) {
  return series.points.map((p) => ({ x: labelOf(p), y: p.value, lo: p.lo, hi: p.hi, href: href(p) }));
}

const p50 = pointsOf(d.latency, runHref);
const p90 = pointsOf(d.latency_p90, runHref);
const hot = thermal(d.latency.points);
makeChart('latency-chart', {
  type: 'line',
  plugins: [markerLines],
  data: {
    labels,
    datasets: [
      ...bandDatasets('p50', p50, PALETTE[0]),
      { label: 'p50', data: p50, borderColor: PALETTE[0], backgroundColor: PALETTE[0],
        pointStyle: (c) => (hot[c.dataIndex] ? 'triangle' : 'circle'), pointRadius: (c) => (hot[c.dataIndex] ? 7 : 4),
        pointBackgroundColor: (c) => (hot[c.dataIndex] ? '#dc2626' : PALETTE[0]) },
      ...bandDatasets('p90', p90, PALETTE[4]),
      { label: 'p90', data: p90, borderColor: PALETTE[4], backgroundColor: PALETTE[4], pointRadius: 3 },
    ],
  },
  options: { plugins: { legend: legendWithoutBandLows, markerLines: { marks } }, scales: { y: { title: { display: true, text: 'ms' } } } },
});

const iou = pointsOf(d.iou, framesHref);
makeChart('iou-chart', {
  type: 'line',
  plugins: [markerLines],
  data: {
    labels: d.iou.points.map(labelOf),
    datasets: [
      ...bandDatasets('IoU', iou, PALETTE[2]),
      { label: 'IoU mean', data: iou, borderColor: PALETTE[2], backgroundColor: PALETTE[2], pointRadius: 4 },
    ],
  },
  options: { plugins: { legend: legendWithoutBandLows, markerLines: { marks } }, scales: { y: { suggestedMin: 0, suggestedMax: 1, title: { display: true, text: 'IoU' } } } },
});
