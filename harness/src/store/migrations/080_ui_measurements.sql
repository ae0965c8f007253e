-- UI capture specs (wdio.conf.ts, scenarios/ui/): what a user-facing flow measured, one row per spec
-- attempt that reached the crop screen. Runs are in `runs` with suite 'ui' and label kind=ui; the
-- captured frame's stage timings and crop IoU are also a `measurements` row of the same attempt.
CREATE TABLE ui_measurements (
  attempt_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  lighting TEXT NOT NULL,            -- the spec parameter: daylight | dim | backlit | glare
  frame_index INTEGER,
  launch_ms DOUBLE PRECISION,        -- am start -W until the preview is displayed (cold start)
  time_to_outline_ms DOUBLE PRECISION, -- am start issued → card outline in the hierarchy
  capture_to_crop_ms DOUBLE PRECISION, -- Capture tapped → crop screen in the hierarchy
  crop_iou DOUBLE PRECISION,
  crop_aspect DOUBLE PRECISION,
  screenshot_path TEXT
);
CREATE INDEX ui_measurements_run ON ui_measurements (run_id, serial);
