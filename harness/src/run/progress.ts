/**
 * Live progress per device: what it is doing, scenario k/n, frames, ETA. On a terminal the block
 * is redrawn in place; otherwise (CI logs) one line per state change, so logs stay readable.
 * Hand-written rather than cli-progress: every label and phase can quote a device (serial, model,
 * an app error), and each must pass the terminal sanitiser before it is drawn; a bar library
 * formats its own payload. Tests pass a quiet one (run-test-support.ts quietProgress).
 */
import { Writable } from 'node:stream';
import { terminalText } from '../devices/terminal-text.ts';

export interface DeviceProgress {
  serial: string; label: string; phase: string; scenario?: string;
  itemsDone: number; itemsTotal: number; framesDone: number; framesTotal: number;
  startedAt: number; failures: number;
}

export class RunProgress {
  private devices = new Map<string, DeviceProgress>();
  private timer: NodeJS.Timeout | null = null;
  private drawn = 0;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr, private readonly live = Boolean(process.stderr.isTTY)) {}

  start(): void {
    if (this.live && !this.timer) this.timer = setInterval(() => this.draw(), 250);
  }

  stop(): void {
    const wasRunning = this.timer !== null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.live && wasRunning) this.draw();
  }

  /** One-off line (vdevice start, resume notes…), printed above the live block. */
  note(text: string): void {
    if (this.live) this.clear();
    this.out.write(terminalText(text, { multiline: true }) + '\n');
    if (this.live && this.timer) this.draw();
  }

  update(serial: string, patch: Partial<DeviceProgress>): void {
    const prev = this.devices.get(serial) ?? { serial, label: serial, phase: 'waiting', itemsDone: 0, itemsTotal: 0, framesDone: 0, framesTotal: 0, startedAt: Date.now(), failures: 0 };
    const next = { ...prev, ...patch };
    this.devices.set(serial, next);
    // Logs get one line per scenario start and per notable phase, not every health check in between.
    const notable = patch.phase !== undefined && patch.phase !== prev.phase && !['replay', 'cool-down check'].includes(patch.phase);
    if (!this.live && (notable || (patch.scenario && patch.scenario !== prev.scenario))) {
      this.out.write(`${terminalText(serial)}: ${this.describe(next)}\n`);
    }
  }

  private describe(d: DeviceProgress): string {
    const scen = d.scenario ? ` ${d.scenario}` : '';
    const items = d.itemsTotal ? ` [${d.itemsDone}/${d.itemsTotal}]` : '';
    const frames = d.framesTotal ? ` frames ${d.framesDone}/${d.framesTotal}` : '';
    const fail = d.failures ? ` retries ${d.failures}` : '';
    // the scenario and phase may quote the device (an error's message): one sanitiser for all of it
    return terminalText(`${d.phase}${scen}${items}${frames}${fail}`);
  }

  private line(d: DeviceProgress): string {
    const width = 20;
    const frac = d.itemsTotal ? Math.min(1, d.itemsDone / d.itemsTotal) : 0;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const elapsed = (Date.now() - d.startedAt) / 1000;
    const eta = frac > 0 && frac < 1 ? ` ETA ${Math.round(elapsed / frac - elapsed)}s` : '';
    return `${terminalText(d.label).slice(0, 34).padEnd(34)} ${bar} ${this.describe(d)}${eta}`;
  }

  private clear(): void {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.clear();
    // A wrapped line would break the cursor-up redraw: cut each to the terminal width.
    const width = Math.max(40, (this.out.columns ?? 120) - 1);
    const lines = [...this.devices.values()].map((d) => this.line(d).slice(0, width));
    if (lines.length) this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }
}

/** Progress that prints nothing (a run driven by another command, or a test); `lines` collects what it would print. */
export function silentProgress(lines?: string[]): RunProgress {
  const sink = new Writable({ write(chunk, _enc, cb) { lines?.push(String(chunk)); cb(); } });
  return new RunProgress(sink as unknown as NodeJS.WriteStream, false);
}
