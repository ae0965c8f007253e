import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { median, qualityBarMisses, type ConditionQuality, type QualityReport } from './quality.ts';

const row = (condition: string, iouMedian: number | null, extra: Partial<ConditionQuality> = {}): ConditionQuality =>
  ({ condition, cardFrames: 10, negativeFrames: 0, iouMedian, detectionRate: 1, falseDetectionRate: null, ...extra });

describe('model quality bar', () => {
  it('takes the median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  it('holds daylight to 0.90 and every other condition to 0.80', () => {
    const q: QualityReport = { rows: [row('daylight', 0.89), row('night', 0.81), row('glare', 0.79)], all: row('all', 0.85), meanInferMs: 1 };
    assert.deepEqual(qualityBarMisses(q), ['daylight: median IoU 0.890 < 0.9', 'glare: median IoU 0.790 < 0.8']);
  });

  it('fails a detection rate under 95% and false detections over 5%', () => {
    const q: QualityReport = { rows: [row('daylight', 0.95)], all: row('all', 0.95, { detectionRate: 0.94, negativeFrames: 20, falseDetectionRate: 0.1 }), meanInferMs: 1 };
    assert.deepEqual(qualityBarMisses(q), ['detection rate 94.0% < 95%', 'false detections 10.0% > 5%']);
  });
});
