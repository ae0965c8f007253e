-- What a finished run stores once for comparisons (harness/src/compare/compare-summary.ts): per cell
-- the statistic of each paired bootstrap resample (resamples_json, ~1 MB for 20,000 frames), and the
-- run's history cell values (history_json, a few KB: all a later comparison reads of it). Filled
-- with the dashboard rows (server/src/queries/run-summary.ts) when a run is ingested or first seen
-- finished; a run without one (or summarised before it last finished) is compared from its frames.
CREATE TABLE compare_summaries (
  run_id TEXT PRIMARY KEY,
  finished_at BIGINT,
  resamples_json TEXT NOT NULL,
  history_json TEXT NOT NULL
);
