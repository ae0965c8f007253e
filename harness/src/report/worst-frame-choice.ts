/**
 * Which frames are "the worst" of a run: the one rule report.html and the run page share. A frame
 * counts when the app processed it (not dropped, no error) and it had a card to find or a false
 * detection; it is as bad as 1 − IoU (a miss is 0), a false detection adding a little, and a false
 * detection on a card-free frame counting as fully wrong.
 */
export interface FrameOutcome {
  serial: string; scenario_id: string; attempt_id: string; frame_index: number;
  cards: number; iou: number | null; false_detections: number; dropped: number; error: string | null;
}

export function isWorstFrameCandidate(m: FrameOutcome): boolean {
  return !m.dropped && !m.error && (m.cards > 0 || m.false_detections > 0);
}

/** 0 (perfect) … 1 (missed / fully wrong), a little more for false detections beside a card. */
export function badness(m: Pick<FrameOutcome, 'cards' | 'iou' | 'false_detections'>): number {
  return m.cards > 0 ? 1 - (m.iou ?? 0) + 0.01 * m.false_detections : m.false_detections > 0 ? 1 : 0;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A frame already chosen: what ranking it needs. */
export type RankedFrame = Pick<FrameOutcome, 'serial' | 'scenario_id' | 'attempt_id' | 'frame_index' | 'cards' | 'iou' | 'false_detections'>;

/** Worst first; ties (many missed cards) broken by frame identity, so any row order gives the same list. */
export function worseFirst(a: RankedFrame, b: RankedFrame): number {
  return badness(b) - badness(a) || byText(a.scenario_id, b.scenario_id) || a.frame_index - b.frame_index
    || byText(a.serial, b.serial) || byText(a.attempt_id, b.attempt_id);
}

/** Keeps the k worst frames seen so far, streaming (k is tiny, so a sorted array is enough). */
export class WorstFrameList<T extends FrameOutcome> {
  private readonly kept: T[] = [];
  constructor(private readonly k: number) {}
  offer(m: T): void {
    if (!isWorstFrameCandidate(m)) return;
    if (this.kept.length === this.k && worseFirst(m, this.kept[this.kept.length - 1]!) >= 0) return;
    this.kept.push(m);
    this.kept.sort(worseFirst);
    if (this.kept.length > this.k) this.kept.pop();
  }
  get frames(): readonly T[] { return this.kept; }
}
