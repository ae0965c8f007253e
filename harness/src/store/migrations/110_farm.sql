-- Several farm hosts, one server (`rio-farm agent`, `rio-farm submit`): hosts with their own hashed
-- tokens, the devices each host reports, the job queue with its fencing tokens, each claim of a job
-- (attempt), which scenarios of a job are done (and by which claim), and per-device failure streaks.
CREATE TABLE farm_hosts (
  name TEXT PRIMARY KEY,
  token_sha256 TEXT NOT NULL UNIQUE,
  issued_at BIGINT NOT NULL,
  revoked_at BIGINT,
  registered_at BIGINT,
  last_heartbeat BIGINT,
  address TEXT
);

CREATE TABLE farm_host_devices (
  host TEXT NOT NULL,
  serial TEXT NOT NULL,
  model TEXT NOT NULL,
  virtual INTEGER NOT NULL,
  seen_at BIGINT NOT NULL,
  PRIMARY KEY (host, serial)
);

CREATE TABLE farm_devices (
  serial TEXT PRIMARY KEY,
  failure_streak INTEGER NOT NULL,
  quarantined_at BIGINT,
  quarantine_reason TEXT
);

CREATE TABLE farm_jobs (
  id TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target TEXT NOT NULL,
  repeat_count INTEGER NOT NULL,
  scenarios_json TEXT,
  labels_json TEXT NOT NULL,
  state TEXT NOT NULL,
  submitted_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  fence BIGINT NOT NULL,
  host TEXT,
  serial TEXT,
  lease_expires_at BIGINT,
  infra_failures INTEGER NOT NULL,
  outcome TEXT,
  dead_reason TEXT
);

-- A device runs one job at a time, whichever host claims it (two hosts seeing one serial).
CREATE UNIQUE INDEX farm_jobs_one_per_device ON farm_jobs (serial) WHERE state = 'running';
CREATE INDEX farm_jobs_queue ON farm_jobs (state, submitted_at);

CREATE TABLE farm_job_attempts (
  job_id TEXT NOT NULL,
  fence BIGINT NOT NULL,
  host TEXT NOT NULL,
  serial TEXT NOT NULL,
  claimed_at BIGINT NOT NULL,
  started_at BIGINT,
  ended_at BIGINT,
  outcome TEXT NOT NULL,
  error TEXT,
  run_id TEXT,
  PRIMARY KEY (job_id, fence)
);

CREATE TABLE farm_job_scenarios (
  job_id TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  fence BIGINT NOT NULL,
  run_id TEXT NOT NULL,
  done_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, scenario_id)
);
