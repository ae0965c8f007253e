-- rio-farm store, version 1. Portable SQL: runs unchanged on SQLite (better-sqlite3 12) and PostgreSQL 15.
-- Times are BIGINT milliseconds since the epoch; booleans are INTEGER 0/1; JSON is TEXT.

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  status TEXT NOT NULL,              -- running | passed | product_failure | infra_failure | bad_input | aborted
  exit_code INTEGER,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  host TEXT NOT NULL,
  out_dir TEXT,
  apk_sha256 TEXT,
  app_version TEXT,
  model_sha256 TEXT,
  options_json TEXT NOT NULL,        -- the run's options (repeat, threads, delegate, shard, bars…)
  virtual_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_started ON runs (started_at);

CREATE TABLE run_labels (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);

-- One row per physical/virtual device (by adb serial), with its current fingerprint.
CREATE TABLE devices (
  serial TEXT PRIMARY KEY,
  fingerprint_id TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  soc TEXT,
  abi TEXT,
  sdk INTEGER,
  build_fingerprint TEXT,
  virtual INTEGER NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  quarantined_until BIGINT,          -- set after two failed health checks in one run
  quarantine_reason TEXT
);

-- Fingerprint history: a new row whenever a device's fingerprint changes (OS update, other phone on that serial).
CREATE TABLE device_fingerprints (
  id TEXT PRIMARY KEY,               -- sha256 of the fingerprint fields
  serial TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  soc TEXT,
  abi TEXT,
  sdk INTEGER,
  build_fingerprint TEXT,
  virtual INTEGER NOT NULL,
  first_seen BIGINT NOT NULL
);
CREATE INDEX device_fingerprints_serial ON device_fingerprints (serial);

-- Exclusive, expiring device lease: a crashed harness never leaves a device busy past expires_at.
CREATE TABLE leases (
  serial TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  holder TEXT NOT NULL,              -- host:pid
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- A device's part in a run: fingerprint at the time, install/push outcome, status.
CREATE TABLE run_devices (
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  fingerprint_id TEXT,
  status TEXT NOT NULL,              -- pending | running | done | failed | quarantined
  install_action TEXT,               -- installed | skipped (same sha256)
  install_ms DOUBLE PRECISION,
  push_files INTEGER,
  push_skipped INTEGER,
  push_bytes BIGINT,
  push_ms DOUBLE PRECISION,
  health_failures INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  PRIMARY KEY (run_id, serial)
);

CREATE TABLE scenarios (
  suite TEXT NOT NULL,
  id TEXT NOT NULL,
  truth_sha256 TEXT NOT NULL,
  conditions_json TEXT NOT NULL,
  background TEXT,
  fps DOUBLE PRECISION,
  width INTEGER,
  height INTEGER,
  frame_count INTEGER NOT NULL,
  PRIMARY KEY (suite, id, truth_sha256)
);

-- Ground truth per scenario frame (the frame image itself is content-addressed by sha256).
CREATE TABLE scenario_frames (
  suite TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  truth_sha256 TEXT NOT NULL,
  frame_index INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  negative INTEGER NOT NULL,
  lighting TEXT NOT NULL,            -- lighting key: sorted tags joined by '+', 'plain' when none
  lighting_params_json TEXT,
  cards_json TEXT NOT NULL,          -- [{quad, visible}]
  PRIMARY KEY (suite, scenario_id, truth_sha256, frame_index)
);

-- Unit of work: one scenario (one repeat) for one device slot. Done when an attempt succeeded.
CREATE TABLE work_items (
  id TEXT PRIMARY KEY,               -- <run>/<slot serial>/<scenario>/<repeat>
  run_id TEXT NOT NULL,
  slot_serial TEXT NOT NULL,         -- the device the item was planned for
  scenario_id TEXT NOT NULL,
  truth_sha256 TEXT NOT NULL,
  repeat_index INTEGER NOT NULL,
  seq INTEGER NOT NULL,              -- planned order
  status TEXT NOT NULL,              -- pending | done | failed (infra retries exhausted)
  done_attempt_id TEXT
);
CREATE INDEX work_items_run ON work_items (run_id, status);

-- Every attempt at a work item, with its evidence (paths relative to the run's out dir).
CREATE TABLE attempts (
  id TEXT PRIMARY KEY,               -- <item id>/a<n>
  run_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  serial TEXT NOT NULL,              -- the device that ran it (may differ from the slot after a retry elsewhere)
  scenario_id TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  outcome TEXT NOT NULL,             -- running | ok | infra_error | abandoned (harness died)
  error_code TEXT,
  error_message TEXT,
  evidence_dir TEXT,
  logcat_path TEXT,
  results_path TEXT,
  crops_dir TEXT,
  thermal_start INTEGER,
  thermal_end INTEGER,
  battery_temp_start DOUBLE PRECISION,
  battery_temp_end DOUBLE PRECISION,
  delegate_used TEXT,
  wall_ms DOUBLE PRECISION           -- am start → results pulled
);
CREATE INDEX attempts_run ON attempts (run_id);

-- Per-frame measurements of successful attempts only (written in the same transaction that marks the item done).
CREATE TABLE measurements (
  attempt_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  repeat_index INTEGER NOT NULL,
  frame_index INTEGER NOT NULL,
  lighting TEXT NOT NULL,
  negative INTEGER NOT NULL,
  t_decode DOUBLE PRECISION,
  t_pre DOUBLE PRECISION,
  t_infer DOUBLE PRECISION,
  t_post DOUBLE PRECISION,
  t_total DOUBLE PRECISION,
  dropped INTEGER NOT NULL,
  thermal_flag INTEGER NOT NULL,     -- 1 when thermal status > NONE around this sample: excluded from latency stats
  detections INTEGER NOT NULL,
  matched INTEGER NOT NULL,          -- truth cards matched by a detection (IoU > 0)
  cards INTEGER NOT NULL,            -- truth cards in the frame
  iou DOUBLE PRECISION,              -- mean best-match IoU over truth cards (missed card = 0); NULL on negatives
  corner_err_px DOUBLE PRECISION,    -- mean over matched cards
  corner_err_pct DOUBLE PRECISION,   -- % of the truth card's diagonal
  false_detections INTEGER NOT NULL, -- detections matched to no card (all of them on negatives)
  detections_json TEXT,
  error TEXT,
  PRIMARY KEY (attempt_id, frame_index)
);
CREATE INDEX measurements_run ON measurements (run_id, serial, scenario_id);

-- Per (run, device, scenario, lighting) statistics, so dashboards never scan measurements.
-- lighting '*' = the whole scenario. Latency columns are ms over non-thermal-flagged, non-dropped frames.
CREATE TABLE aggregates (
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  lighting TEXT NOT NULL,
  frames INTEGER NOT NULL,
  card_frames INTEGER NOT NULL,
  negative_frames INTEGER NOT NULL,
  latency_n INTEGER NOT NULL,
  thermal_excluded INTEGER NOT NULL,
  p50 DOUBLE PRECISION, p50_lo DOUBLE PRECISION, p50_hi DOUBLE PRECISION,
  p90 DOUBLE PRECISION, p90_lo DOUBLE PRECISION, p90_hi DOUBLE PRECISION,
  p99 DOUBLE PRECISION, p99_lo DOUBLE PRECISION, p99_hi DOUBLE PRECISION,
  mean DOUBLE PRECISION, mean_lo DOUBLE PRECISION, mean_hi DOUBLE PRECISION,
  std DOUBLE PRECISION,
  infer_p50 DOUBLE PRECISION,
  sustained_fps DOUBLE PRECISION,
  drop_rate DOUBLE PRECISION,
  iou_median DOUBLE PRECISION,
  iou_mean DOUBLE PRECISION, iou_mean_lo DOUBLE PRECISION, iou_mean_hi DOUBLE PRECISION,
  corner_err_px DOUBLE PRECISION,
  corner_err_pct DOUBLE PRECISION,
  detection_rate DOUBLE PRECISION,
  false_detections INTEGER NOT NULL,
  false_detection_rate DOUBLE PRECISION,  -- negative frames with ≥1 detection / negative frames
  verdict TEXT NOT NULL,             -- pass | fail | no-data
  verdict_reason TEXT,
  PRIMARY KEY (run_id, serial, scenario_id, lighting)
);

-- Thermal/battery samples taken between scenarios.
CREATE TABLE device_samples (
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  at BIGINT NOT NULL,
  phase TEXT NOT NULL,               -- preflight | cooldown | before:<scenario> | final
  thermal_status INTEGER,
  battery_temp_c DOUBLE PRECISION,
  battery_level INTEGER
);
CREATE INDEX device_samples_run ON device_samples (run_id, serial);

-- What happened to a device during a run: health failures, cool-down waits, reconnects, quarantine.
CREATE TABLE device_events (
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX device_events_run ON device_events (run_id, serial);
