-- Dashboard rows of `--include-thermal` runs were summarised without their thermal-flagged frames,
-- so their p50/p90 differed from the run's report. Forgetting that they were summarised makes the
-- server's refresher summarise them again in the background (server/src/queries/run-summary.ts, now
-- the report's own device × lighting figures); the old rows stay readable until they are replaced.
-- Other runs keep their rows (same figures; their CIs were closed-form and are redone when a run is).
DELETE FROM dash_runs_done WHERE run_id IN (SELECT id FROM runs WHERE options_json LIKE '%"includeThermal":true%');
