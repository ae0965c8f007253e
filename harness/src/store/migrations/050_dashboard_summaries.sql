-- Dashboard pre-aggregates, owned by server/ (server/src/queries/run-summary.ts fills them).
-- One row per (run, device, lighting) over all of the run's scenarios; lighting '*' = every frame.
-- The server writes them when a run is ingested or first seen finished, so no dashboard read scans
-- measurements. Statistics: latency over non-dropped, non-thermal-flagged frames (like aggregates).
CREATE TABLE dash_run_device (
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  lighting TEXT NOT NULL,
  suite TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  virtual INTEGER NOT NULL,
  fingerprint_id TEXT,
  frames INTEGER NOT NULL,
  latency_n INTEGER NOT NULL,
  thermal_excluded INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  p50 DOUBLE PRECISION, p50_lo DOUBLE PRECISION, p50_hi DOUBLE PRECISION,
  p90 DOUBLE PRECISION, p90_lo DOUBLE PRECISION, p90_hi DOUBLE PRECISION,
  iou_n INTEGER NOT NULL,
  iou_mean DOUBLE PRECISION, iou_lo DOUBLE PRECISION, iou_hi DOUBLE PRECISION,
  detection_rate DOUBLE PRECISION,
  histogram_json TEXT,               -- latency histogram {start, width, counts[]} ('*' rows)
  worst_json TEXT,                   -- lowest-IoU frames [{attempt_id, frame_index, scenario_id, iou}] ('*' rows)
  PRIMARY KEY (run_id, serial, lighting)
);
CREATE INDEX dash_run_device_series ON dash_run_device (serial, lighting, suite, started_at);
CREATE INDEX dash_run_device_latest ON dash_run_device (suite, lighting, serial, started_at);

-- Which runs are summarised, at which finish time (a resumed run finishes again and is redone).
CREATE TABLE dash_runs_done (
  run_id TEXT PRIMARY KEY,
  finished_at BIGINT,
  summarized_at BIGINT NOT NULL
);
