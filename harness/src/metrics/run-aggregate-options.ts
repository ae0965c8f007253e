/**
 * A run's own bars, replay rates and frame rule read back from its options_json, as `rio-farm run`
 * used them: ingest, the report and the dashboard pre-aggregates recompute a run's figures with these.
 */
import type { AggregateOptions } from './aggregate.ts';
import { frameRuleOf } from './counted-frames.ts';
import { DEFAULT_BARS, type QualityBars } from './quality-bars.ts';

/** options_json as stored (a JSON object; anything else reads as the defaults). */
export function parseRunOptions(optionsJson: string): Record<string, unknown> {
  try {
    const o = JSON.parse(optionsJson) as unknown;
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? o as Record<string, unknown> : {};
  } catch { return {}; }
}

/** The aggregate options of a run; scenarios give each scenario's own replay fps unless the run overrode it. */
export function runAggregateOptions(optionsJson: string, scenarios: readonly { id: string; fps: number | null }[] = []): AggregateOptions {
  const o = parseRunOptions(optionsJson);
  const given = (o.bars !== null && typeof o.bars === 'object' ? o.bars : {}) as Record<string, unknown>;
  const bars: QualityBars = { ...DEFAULT_BARS };
  for (const k of Object.keys(DEFAULT_BARS) as (keyof QualityBars)[]) {
    const v = given[k];
    if (typeof v === 'number' && Number.isFinite(v)) (bars as unknown as Record<string, number | null>)[k] = v;
    else if (v === null && (k === 'p90_ms' || k === 'drop_rate')) bars[k] = null;
  }
  const fps = typeof o.fps === 'number' && Number.isFinite(o.fps) && o.fps >= 0 ? o.fps : undefined;
  return {
    bars, includeThermal: frameRuleOf(o).includeThermal,
    replayFps: new Map(scenarios.map((s) => [s.id, fps ?? s.fps ?? 0])),
  };
}
