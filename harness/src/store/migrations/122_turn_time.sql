-- The quarter-turn stage's time (results.json `t_turn`, CONTRACT.md): since the app runs a second
-- model on every detection, a frame's cost is no longer decode + pre + infer + post, and the turn's
-- share could not be seen. Stored per frame as the other stage times are (no aggregate: the other
-- stages have none). NULL for apps without the classifier, dropped frames and rows stored before.
ALTER TABLE measurements ADD COLUMN t_turn DOUBLE PRECISION;
