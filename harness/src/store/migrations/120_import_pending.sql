-- An upload whose frames are stored and whose aggregates and final status are not yet (POST /api/runs
-- answers once its frames, samples and events are in: the aggregates' bootstraps take seconds of CPU
-- for a 20,000-frame run). Written in the upload's last write transaction with what the run's finish
-- needs — its final status and its scenarios' replay rates —, removed by the transaction that
-- finishes the run (harness/src/store/run-import.ts). A server stopped in between finishes the run
-- when it starts again; until then the run reads as running, so no dashboard takes it as finished.
-- token: the upload's own (uploads of one run may overlap: only the finish of the newest one writes).
CREATE TABLE import_pending (
  run_id TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER,
  finished_at BIGINT,
  scenario_fps_json TEXT NOT NULL
);
