/**
 * How a virtual device runs an installed app. A phone runs the APK's dex code; a vdevice runs the
 * app's *host twin*: TypeScript that honours the same contract (extras in, files and logcat out).
 * The vdevice owns everything device-side (filesystem, logcat, thermal state, faults); the twin
 * only sees this context, so a fault such as "crash at frame K" is the device's doing, not the app's.
 */
export type LogPriority = 'V' | 'D' | 'I' | 'W' | 'E' | 'F';

export interface AppTwinContext {
  /** e.g. 'dev.riofarm.rio' */
  readonly packageName: string;
  /** the started component's class, fully qualified: 'dev.riofarm.rio.BenchmarkActivity' */
  readonly activity: string;
  /** `am start` extras as typed by --es/--ei/--ez/--ef */
  readonly extras: Readonly<Record<string, string | number | boolean>>;
  /** host path of the installed APK (the twin reads its model from the APK's assets/) */
  readonly apkHostPath: string;
  /** host path for a device path, confined to the vdevice's filesystem; throws on escape */
  hostPath(devicePath: string): string;
  /** the app's external files dir on the device: /sdcard/Android/data/<pkg>/files */
  readonly externalFilesDir: string;
  /** appends a line to the vdevice's logcat as this app's process */
  log(priority: LogPriority, tag: string, message: string): void;
  /** current thermal status (0 NONE … 6 SHUTDOWN, as `dumpsys thermalservice`) and battery temperature */
  thermalStatus(): number;
  batteryTempC(): number;
  /**
   * Call before each unit of work (a frame). The device applies its load model here: it heats up
   * under sustained work, duty-cycles the app while hot (a real slowdown), and raises injected app
   * faults (crash at frame K) by rejecting with AppCrash after writing Android's FATAL EXCEPTION log.
   */
  beforeWork(frameIndex: number): Promise<void>;
  /**
   * The device's slowdown factor (`vdevice start --slowdown`, 1 = none): the app spends this factor
   * of its inference and quarter-turn cost on the thread running them, so wall and CPU time both rise by it.
   */
  readonly slowdown: number;
  /** aborted on `am force-stop`, uninstall, or device shutdown */
  readonly signal: AbortSignal;
}

/** What the twin's screens expose to `uiautomator dump`, `input tap/swipe` and `screencap -p`. */
export interface AppTwinUi {
  /** UiAutomator2-style hierarchy XML (<hierarchy rotation="0"><node …/></hierarchy>) */
  dumpHierarchy(): string;
  tap(x: number, y: number): void;
  swipe?(x1: number, y1: number, x2: number, y2: number, durationMs: number): void;
  keyevent?(code: number): void;
  /** PNG bytes of the current screen */
  screencap(): Promise<Buffer>;
}

export interface RunningApp {
  /** resolves when the activity finishes (benchmark done) or is stopped; rejects on crash */
  readonly done: Promise<void>;
  readonly ui?: AppTwinUi;
}

export interface AppTwin {
  /** starts the activity; `am start -W` returns once this resolves (the activity is displayed) */
  start(ctx: AppTwinContext): Promise<RunningApp>;
}

/** Thrown by beforeWork() when the device kills the app (injected crash). */
export class AppCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppCrash';
  }
}
