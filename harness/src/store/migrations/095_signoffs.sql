-- Model sign-offs (`rio-farm signoff`): one row per sign-off, with the policy it was judged by, the
-- facts recorded before devices ran (meta_json: model/APK hashes, fingerprints, harness commit…),
-- and the signed report. Its blocks say which run measured which arm, where, in what order.
CREATE TABLE signoffs (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  status TEXT NOT NULL,
  verdict TEXT,
  virtual_only INTEGER NOT NULL,
  policy_sha256 TEXT NOT NULL,
  policy_text TEXT NOT NULL,
  meta_json TEXT NOT NULL,
  report_sha256 TEXT,
  public_key TEXT,
  signature TEXT,
  out_dir TEXT
);

CREATE TABLE signoff_blocks (
  signoff_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  unit INTEGER NOT NULL,
  position INTEGER NOT NULL,
  retry INTEGER NOT NULL,
  arm TEXT NOT NULL,
  run_id TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  invalid_reason TEXT,
  thermal_max INTEGER,
  battery_temp_max DOUBLE PRECISION,
  wall_ms DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (signoff_id, serial, unit, position, retry)
);

CREATE INDEX signoff_blocks_run ON signoff_blocks (run_id);
