import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarker, parseMarker, type AppMarker } from './logcat-markers.ts';
import { LOG_TAG } from './app-identity.ts';

test('every marker the app writes reads back as itself, messages with spaces included', () => {
  const markers: AppMarker[] = [
    { kind: 'start', run: 'r-1', frames: 9 },
    { kind: 'progress', run: 'r-1', done: 3, total: 9 },
    { kind: 'error', run: 'r-1', code: 'FRAME_DECODE_FAILED', message: 'frame 3: not a JPEG (0 bytes)' },
    { kind: 'done', run: 'r-1', status: 'error' },
    { kind: 'sessionDone', run: 's-1', scenarios: 4 },
  ];
  for (const m of markers) assert.deepEqual(parseMarker(LOG_TAG, formatMarker(m)), m);
  assert.equal(formatMarker(markers[0]!), 'RIO_START run=r-1 frames=9', 'the format CONTRACT.md documents');
});

test('lines of another tag, unknown words and markers without a run are not markers', () => {
  assert.equal(parseMarker('ActivityManager', 'RIO_DONE run=x status=ok'), null);
  assert.equal(parseMarker(LOG_TAG, 'RIO_FINISHED run=x'), null);
  assert.equal(parseMarker(LOG_TAG, 'RIO_DONE status=ok'), null);
});
