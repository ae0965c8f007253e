-- Nightly regression alerts (harness/src/nightly/). One row per alerted step of one series
-- (device × kind × model role × scope × metric), grouped per night of the step × build (or infra).
-- A series' latest alert starts its current segment, so a step alerts once.
CREATE TABLE nightly_alerts (
  id TEXT PRIMARY KEY,
  group_key TEXT NOT NULL,
  found_run_id TEXT NOT NULL,
  found_at BIGINT NOT NULL,
  serial TEXT NOT NULL,
  virtual INTEGER NOT NULL,
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  metric TEXT NOT NULL,
  change_run_id TEXT NOT NULL,
  previous_run_id TEXT NOT NULL,
  change_at BIGINT NOT NULL,
  build_before TEXT NOT NULL,
  build_after TEXT NOT NULL,
  before_value DOUBLE PRECISION NOT NULL,
  after_value DOUBLE PRECISION NOT NULL,
  p DOUBLE PRECISION NOT NULL,
  direction TEXT NOT NULL,
  label TEXT NOT NULL,
  via TEXT NOT NULL,
  detector TEXT NOT NULL,
  status TEXT NOT NULL,
  triaged_by TEXT,
  triaged_at BIGINT,
  triage_note TEXT
);
CREATE INDEX nightly_alerts_group ON nightly_alerts (group_key);
CREATE INDEX nightly_alerts_found ON nightly_alerts (found_at);

-- What a confirmation run (previous and current build interleaved A B A B on one device) said about a pending step.
CREATE TABLE nightly_confirmations (
  candidate_id TEXT PRIMARY KEY,
  confirmed INTEGER NOT NULL,
  run_ids TEXT NOT NULL,
  decided_at BIGINT NOT NULL
);
