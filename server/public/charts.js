// Shared chart plumbing for the dashboards. Chart is the UMD global from /vendor/chart.umd.js.
// Page data comes from the server in <script type="application/json" id="page-data"> (CSP: no inline code).

const Chart = window.Chart;

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

export function pageData() {
  const el = document.getElementById('page-data');
  return el ? JSON.parse(el.textContent) : null;
}

export function when(ms) {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function query(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/**
 * Every point with an `href` leads to the evidence behind it: a click on the nearest such point
 * navigates there. Band datasets (CI limits) carry no href and are not clickable.
 */
function clickThrough(options) {
  return {
    ...options,
    onClick(event, _active, chart) {
      const hits = chart.getElementsAtEventForMode(event, 'nearest', { intersect: true }, true);
      for (const h of hits) {
        const item = chart.data.datasets[h.datasetIndex].data[h.index];
        if (item && item.href) { window.location.assign(item.href); return; }
      }
    },
    onHover(event, _active, chart) {
      const hits = chart.getElementsAtEventForMode(event, 'nearest', { intersect: true }, true);
      const linked = hits.some((h) => chart.data.datasets[h.datasetIndex].data[h.index]?.href);
      event.native.target.style.cursor = linked ? 'pointer' : 'default';
    },
  };
}

/** Vertical dashed lines at category indexes (fingerprint changes), labelled on top. */
export const markerLines = {
  id: 'markerLines',
  afterDatasetsDraw(chart, _args, opts) {
    const marks = opts?.marks ?? [];
    if (!marks.length) return;
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    ctx.strokeStyle = '#7c3aed';
    ctx.fillStyle = '#7c3aed';
    ctx.setLineDash([5, 4]);
    ctx.font = '11px sans-serif';
    for (const m of marks) {
      const x = scales.x.getPixelForValue(m.index);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(m.label, x + 3, chartArea.top + 10);
    }
    ctx.restore();
  },
};

export function makeChart(canvasId, config) {
  const canvas = document.getElementById(canvasId);
  if (!canvas) return null;
  config.options = clickThrough({ responsive: true, maintainAspectRatio: false, animation: false, ...(config.options ?? {}) });
  return new Chart(canvas, config);
}

/** A 95% CI band as two datasets (lo, hi filled to lo) under a main series. */
export function bandDatasets(label, points, color) {
  const lo = points.map((p) => ({ x: p.x, y: p.lo }));
  const hi = points.map((p) => ({ x: p.x, y: p.hi }));
  return [
    { label: `${label} 95% CI low`, data: lo, borderWidth: 0, pointRadius: 0, pointHitRadius: 0, fill: false, borderColor: 'transparent' },
    { label: `${label} 95% CI`, data: hi, borderWidth: 0, pointRadius: 0, pointHitRadius: 0, fill: '-1', backgroundColor: color + '33', borderColor: 'transparent' },
  ];
}

/** Hides CI-limit helper datasets from the legend. */
export const legendWithoutBandLows = { labels: { filter: (item) => !item.text.endsWith('CI low') } };
