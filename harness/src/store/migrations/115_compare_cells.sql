-- A run's compare summary also keeps, per cell (device × lighting, by serial; for vdevices also by
-- model) and metric, the blocks of values compare resamples (harness/src/compare/compare-summary.ts):
-- with them a first comparison reads two summaries and no frame rows, whatever the other run is.
-- NULL for summaries made before: the refresher summarises those runs again.
ALTER TABLE compare_summaries ADD COLUMN cells_json TEXT;
