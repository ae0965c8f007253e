/**
 * Hands work items to device workers: a device first runs its own items; items of a device that
 * failed (gone, quarantined) become orphans that any eligible device takes — with --shard only
 * devices of the same model are eligible. Idle workers wait while others might still orphan work.
 */
import type { WorkItemRow } from '../store/rows.ts';

export class WorkQueue {
  private own = new Map<string, WorkItemRow[]>();
  private orphans: WorkItemRow[] = [];
  private active = new Set<string>();
  private waiters: (() => void)[] = [];

  constructor(items: readonly WorkItemRow[], private readonly groupOf: (serial: string) => string, private readonly shard: boolean,
    workers: readonly string[]) {
    for (const w of workers) { this.own.set(w, []); this.active.add(w); }
    for (const it of items) {
      const list = this.own.get(it.slot_serial);
      if (list) list.push(it); else this.orphans.push(it); // its device is not here (e.g. a resumed run's vdevice)
    }
  }

  /** The next item for `serial`, or null when it has nothing left and nobody can orphan more. */
  async take(serial: string): Promise<WorkItemRow | null> {
    for (;;) {
      const mine = this.own.get(serial);
      if (mine?.length) return mine.shift()!;
      const i = this.orphans.findIndex((o) => this.eligible(serial, o));
      if (i >= 0) return this.orphans.splice(i, 1)[0]!;
      const othersBusy = [...this.active].some((s) => s !== serial);
      if (!othersBusy) { this.leave(serial); return null; }
      this.active.delete(serial); // idle: do not keep others waiting on us
      await new Promise<void>((r) => this.waiters.push(r));
      this.active.add(serial);
    }
  }

  /**
   * Up to `max` items for one app session: the next item as take() gives it, then more of this
   * device's own that share its `key` (what one app start fixes, e.g. the replay fps).
   */
  async takeBatch(serial: string, max: number, key: (item: WorkItemRow) => string): Promise<WorkItemRow[]> {
    const first = await this.take(serial);
    if (!first) return [];
    const batch = [first];
    const mine = this.own.get(serial) ?? [];
    for (let i = 0; i < mine.length && batch.length < max;) {
      if (key(mine[i]!) === key(first)) batch.push(mine.splice(i, 1)[0]!); else i++;
    }
    return batch;
  }

  /** Items a session never reached go back to the front of this device's own list (no attempt was made). */
  giveBack(serial: string, items: readonly WorkItemRow[]): void {
    this.own.get(serial)?.unshift(...items);
  }

  /** A device gives up: the items it holds (if any) and all its remaining items go to others. */
  abandonDevice(serial: string, held?: WorkItemRow | readonly WorkItemRow[]): void {
    const rest = this.own.get(serial) ?? [];
    this.own.set(serial, []);
    this.orphans.push(...(held === undefined ? [] : Array.isArray(held) ? held : [held as WorkItemRow]), ...rest);
    this.leave(serial);
  }

  ownCount(serial: string): number { return this.own.get(serial)?.length ?? 0; }

  /** Retry `item` on this device next (it failed for a reason the device recovered from). */
  retryHere(serial: string, item: WorkItemRow): void {
    this.giveBack(serial, [item]);
  }

  /** A worker is finished (nothing left for it). */
  leave(serial: string): void {
    this.active.delete(serial);
    this.wake();
  }

  /** Items nobody can run any more (no eligible device left). */
  stranded(): WorkItemRow[] { return this.active.size === 0 ? this.orphans.splice(0) : []; }

  private eligible(serial: string, item: WorkItemRow): boolean {
    return !this.shard || this.groupOf(item.slot_serial) === this.groupOf(serial) || this.groupOf(item.slot_serial) === '';
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
}
