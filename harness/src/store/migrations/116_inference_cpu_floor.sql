-- The floor (p05) of the inference's thread CPU time, with the same bootstrap CI as the other
-- percentiles. On a virtual machine the vCPU runs the same instructions at two speeds — its
-- neighbours on the physical core take turns for seconds at a time (t_infer_cpu 9 ms, then 14 ms,
-- even with nothing else running in the VM) — and interference only ever adds time, so a vdevice's
-- p50 of CPU time measures how much of the run a neighbour was busy, its p05 the build's own cost
-- (harness/src/nightly/README.md: night-to-night CV 0.8–1.2% against 8–12% for the p50 on a quiet host).
-- NULL for rows stored before this migration and for apps without a thread clock.
ALTER TABLE aggregates ADD COLUMN infer_cpu_p05 DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p05_lo DOUBLE PRECISION;
ALTER TABLE aggregates ADD COLUMN infer_cpu_p05_hi DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p05 DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p05_lo DOUBLE PRECISION;
ALTER TABLE dash_run_device ADD COLUMN infer_cpu_p05_hi DOUBLE PRECISION;
-- The dashboard rows of runs that carry t_infer_cpu are summarised again in the background (as 092
-- does) so their floor appears; the old rows stay readable until they are replaced.
DELETE FROM dash_runs_done WHERE run_id IN (SELECT DISTINCT run_id FROM measurements WHERE t_infer_cpu IS NOT NULL);
