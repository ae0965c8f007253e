/**
 * A small heat model: the device warms while its app works and cools toward ambient otherwise.
 * Thermal status follows Android's PowerManager levels (0 NONE … 6 SHUTDOWN); while MODERATE or
 * hotter the app's worker is duty-cycled (made to sleep a share of its work time), so a hot
 * vdevice really runs slower, as a throttled phone does.
 */
export const THERMAL_NAMES = ['NONE', 'LIGHT', 'MODERATE', 'SEVERE', 'CRITICAL', 'EMERGENCY', 'SHUTDOWN'] as const;
/** Battery temperature (°C) at which each status from LIGHT upward begins. */
const THRESHOLDS_C = [39, 42, 45, 48, 51, 54];
/** Sleep per unit of work at each status: MODERATE runs the worker 2/3 of the time, SEVERE 1/2, CRITICAL+ 1/3. */
const DUTY_SLEEP = [0, 0, 0.5, 1, 2, 2, 2];

export class ThermalModel {
  private temp: number;
  private last = Date.now();

  constructor(private readonly ambientC: number, public heatPerBusySecond: number, private readonly coolPerSecond: number, startC = ambientC) {
    this.temp = startC;
  }

  /** Adds the heat of `busySeconds` of app work. */
  addWork(busySeconds: number): void {
    this.settle();
    this.temp += this.heatPerBusySecond * busySeconds;
  }

  tempC(): number {
    this.settle();
    return Math.round(this.temp * 10) / 10;
  }

  status(): number {
    const t = this.tempC();
    let s = 0;
    while (s < THRESHOLDS_C.length && t >= THRESHOLDS_C[s]) s++;
    return s;
  }

  /** Seconds the worker must sleep after `workSeconds` of work at the current status. */
  throttleSeconds(workSeconds: number): number {
    return workSeconds * DUTY_SLEEP[this.status()];
  }

  /** Newton cooling toward ambient over the time since the last look. */
  private settle(): void {
    const now = Date.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    if (dt > 0 && this.temp > this.ambientC) {
      this.temp = this.ambientC + (this.temp - this.ambientC) * Math.exp(-this.coolPerSecond * dt);
    }
  }
}
