package dev.riofarm.rio

/**
 * The app side of android-demo/CONTRACT.md: extra names and defaults, the logcat tag and markers,
 * and the results.json fields added after rio-results/1 first shipped (optional for older apps).
 * The harness reads the same values from android-demo/contract (TypeScript);
 * android-demo/contract/kotlin-contract.spec.ts parses this file and fails when the two differ.
 */
object AppContract {
    const val LOG_TAG = "RIO"

    const val EXTRA_RUN_ID = "run_id"
    const val EXTRA_MANIFEST = "manifest"
    const val EXTRA_PLAYLIST = "playlist"
    const val EXTRA_MANIFEST_WAIT_MS = "manifest_wait_ms"
    const val EXTRA_WARMUP = "warmup"
    const val EXTRA_THREADS = "threads"
    const val EXTRA_DELEGATE = "delegate"
    const val EXTRA_FPS = "fps"
    const val EXTRA_SAVE_CROPS = "save_crops"

    const val DEFAULT_MANIFEST_WAIT_MS = 60000
    const val DEFAULT_WARMUP = 3
    const val DEFAULT_THREADS = 4
    const val DEFAULT_DELEGATE = "cpu"
    const val DEFAULT_FPS = 0
    const val DEFAULT_SAVE_CROPS = false

    const val MARKER_START = "RIO_START"
    const val MARKER_PROGRESS = "RIO_PROGRESS"
    const val MARKER_DONE = "RIO_DONE"
    const val MARKER_ERROR = "RIO_ERROR"
    const val MARKER_SESSION_DONE = "RIO_SESSION_DONE"

    /** per frame: the interpreter call in the calling thread's CPU time, ms (Debug.threadCpuTimeNanos) */
    const val FIELD_T_INFER_CPU = "t_infer_cpu"
    /** per frame: the quarter-turn classifier on every detection (crop, inference, roll), ms; absent without it */
    const val FIELD_T_TURN = "t_turn"
    /** model: who chose each quad's first corner, CORNER_ORDER_QUARTER_TURN or CORNER_ORDER_DETECTOR */
    const val FIELD_CORNER_ORDER = "corner_order"
    const val CORNER_ORDER_QUARTER_TURN = "quarter_turn"
    const val CORNER_ORDER_DETECTOR = "detector"
    /** model: {sha256} of the quarter-turn classifier run; absent without it */
    const val FIELD_QUARTER_TURN = "quarter_turn"
}
