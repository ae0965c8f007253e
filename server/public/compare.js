import { makeChart, pageData, query } from './charts.js';

const { b, cells } = pageData();
const name = (c) => (c.model && c.model !== c.serial ? `${c.model} (${c.serial})` : c.serial);
makeChart('compare-chart', {
  type: 'bar',
  data: {
    labels: cells.map(name),
    datasets: [{
      label: 'latency p50 change (%)',
      backgroundColor: cells.map((c) => (c.latency_verdict === 'worse' ? '#dc2626' : c.latency_verdict === 'better' ? '#16a34a' : '#94a3b8')),
      data: cells.map((c) => ({ x: name(c), y: c.latency_delta_pct, href: `/runs/${encodeURIComponent(b)}/frames${query({ device: c.serial, sort: 'latency' })}` })),
    }],
  },
  options: { scales: { y: { title: { display: true, text: '% vs baseline' } } } },
});
