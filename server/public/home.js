import { PALETTE, makeChart, pageData, query } from './charts.js';

const { devices } = pageData();
const name = (d) => d.model ? `${d.model} (${d.serial})` : d.serial;

makeChart('latency-chart', {
  type: 'bar',
  data: {
    labels: devices.map(name),
    datasets: [
      { label: 'previous run p50', backgroundColor: '#94a3b8',
        data: devices.map((d) => ({ x: name(d), y: d.previous?.p50 ?? null, href: d.previous ? `/runs/${encodeURIComponent(d.previous.run_id)}` : null })) },
      { label: 'latest run p50', backgroundColor: PALETTE[0],
        data: devices.map((d) => ({ x: name(d), y: d.latest.p50, href: `/runs/${encodeURIComponent(d.run_id)}` })) },
    ],
  },
  options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
});

const lightings = [...new Set(devices.flatMap((d) => d.by_lighting.map((l) => l.lighting)))].sort();
makeChart('iou-chart', {
  type: 'bar',
  data: {
    labels: lightings,
    datasets: devices.map((d, i) => ({
      label: name(d), backgroundColor: PALETTE[i % PALETTE.length],
      data: d.by_lighting.map((l) => ({ x: l.lighting, y: l.iou_mean,
        href: `/runs/${encodeURIComponent(d.run_id)}/frames${query({ device: d.serial, lighting: l.lighting, sort: 'iou' })}` })),
    })),
  },
  options: { scales: { y: { min: 0, max: 1, title: { display: true, text: 'IoU' } } } },
});
