-- Inference cost in thread CPU time (results.json `t_infer_cpu`, CONTRACT.md): wall time on a shared
-- host includes every other process's turn on the core, thread CPU time does not, so a vdevice's
-- latency series can be stable where its wall-time series cannot. NULL for apps without a thread
-- clock and for rows stored before this migration.
ALTER TABLE measurements ADD COLUMN t_infer_cpu DOUBLE PRECISION;

-- p50/p90 of t_infer_cpu over the frames that count for latency (metrics/counted-frames.ts), with the
-- same bootstrap CI as the wall-time percentiles.
ALTER TABLE aggregates ADD COLUMN infer_cpu_p50 DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p50_lo DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p50_hi DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p90 DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p90_lo DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p90_hi DOUBLE PRECISION;

-- The same figures per device × lighting for the dashboards and nightly series (NULL for runs
-- summarised before: they have no t_infer_cpu to summarise).
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p50 DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p50_lo DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p50_hi DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p90 DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p90_lo DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p90_hi DOUBLE PRECISION;
