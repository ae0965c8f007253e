-- The app runs two models since the quarter-turn classifier (android-demo/CONTRACT.md "Models"): the
-- detector (model_sha256) and the classifier that picks each quad's first corner. A run's identity
-- names both, as the app reported them in results.json (model.quarter_turn.sha256). NULL: an app
-- without the classifier (the detector's corner order), or a run stored before this migration.
ALTER TABLE runs ADD COLUMN quarter_turn_sha256 TEXT;
