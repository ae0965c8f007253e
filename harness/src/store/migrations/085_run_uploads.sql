-- Which runs arrived through ingest (POST /api/runs), and from which host. A run without a row here was
-- recorded by a local `rio-farm run`: no upload may change it. An uploaded run may only be changed by
-- another upload from the host that sent it first (409 otherwise).
CREATE TABLE run_uploads (
  run_id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL
);
