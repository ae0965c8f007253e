/**
 * How much the harness takes from the app per attempt, and for how long. The app writes these
 * files, but the device decides what a pull returns: over a budget the transfer is cancelled and
 * the attempt fails as INVALID_RESULTS (an infrastructure failure, retried, evidence kept).
 */
import type { TransferBudget } from '../devices/transfer-budget.ts';

/**
 * results.json: ~300 bytes per frame (timings + one quad); 16 MiB is tens of thousands of
 * frames, far past any scenario, and still cheap to hold and parse. 30 s covers a slow USB hub.
 */
export const RESULTS_BUDGET: TransferBudget = { maxBytes: 16 * 1024 * 1024, timeoutMs: 30_000, tooLarge: 'INVALID_RESULTS' };

/** One crop: a JPEG of at most 640 px on its longer side (CROP_MAX_SIDE) is well under 1 MiB; 4 MiB leaves room for a phone encoder's quality. */
export const CROP_BUDGET: TransferBudget = { maxBytes: 4 * 1024 * 1024, timeoutMs: 20_000, tooLarge: 'INVALID_RESULTS' };

/** All crops of one attempt: a few hundred frames' worth; more means the app is not writing crops. */
export const CROPS_TOTAL_MAX_BYTES = 256 * 1024 * 1024;

/** Crop files listed in one attempt beyond which the listing itself is not believed. */
export const MAX_CROP_FILES = 10_000;

/**
 * The logcat excerpt kept as evidence: the feed already keeps only its last 5000 entries; each
 * line is cut to what Android's logger accepts (4 KiB) so a flood of huge lines stays small.
 */
export const LOGCAT_LINE_MAX_CHARS = 4096;
export const LOGCAT_EXCERPT_MAX_BYTES = 8 * 1024 * 1024;
