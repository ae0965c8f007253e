import { PALETTE, makeChart, pageData, query } from './charts.js';

const { run_id: runId, summaries } = pageData();
// Rounded down so that a bin's link never drops a frame lying exactly on its lower edge.
const floor3 = (v) => Math.floor(v * 1000) / 1000;

// One stepped line per device over its own histogram bins; a point = one bin, linked to its frames.
makeChart('latency-hist', {
  type: 'line',
  data: {
    datasets: summaries.filter((s) => s.histogram).map((s, i) => {
      const h = s.histogram;
      return {
        label: s.serial, stepped: 'middle', borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], pointRadius: 3,
        data: h.counts.map((n, b) => {
          const lo = h.start + b * h.width;
          const last = b === h.counts.length - 1;
          return { x: lo + h.width / 2, y: n,
            href: `/runs/${encodeURIComponent(runId)}/frames${query({ device: s.serial, min_latency: floor3(lo), max_latency: last ? undefined : floor3(lo + h.width), sort: 'latency' })}` };
        }),
      };
    }),
  },
  options: { scales: { x: { type: 'linear', title: { display: true, text: 'latency (ms)' } }, y: { beginAtZero: true, title: { display: true, text: 'frames' } } } },
});
