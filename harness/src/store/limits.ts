/**
 * What each stored value can mean, as typebox bounds: the run export (POST /api/runs) is refused
 * (400 naming the field) unless every value is one a real run could have written. The bounds also
 * keep PostgreSQL from failing on a value SQLite would take (INTEGER is 32-bit there, BIGINT 64).
 */
import { Type } from 'typebox';

/** 2000-01-01: older than any rio-farm store; a time before it is a unit mix-up (seconds, µs) or junk. */
export const STORE_TIME_MIN = Date.UTC(2000, 0, 1);
/** 2100-01-01: far beyond any real run, well inside what Date and every page can show. */
export const STORE_TIME_MAX = Date.UTC(2100, 0, 1);
/** A per-frame latency of an hour or more is no measurement of a camera frame. */
export const LATENCY_MAX_MS = 3_600_000;
/** An install, push or attempt longer than a day has long been cancelled by the harness's timeouts. */
export const DURATION_MAX_MS = 86_400_000;
/** PostgreSQL INTEGER. */
export const INT32_MAX = 2_147_483_647;
/** Frame width/height: beyond any camera sensor, and what sharp can draw a worst-frame overlay at. */
export const FRAME_SIZE_MAX = 16_384;
/** Identifiers (run ids, serials, scenario and attempt ids) appear in URLs and page titles. */
export const ID_MAX_CHARS = 300;
/** Free text (error messages, paths, build fingerprints). */
export const TEXT_MAX_CHARS = 64 * 1024;
/** JSON columns (options, cards, detections). */
export const JSON_MAX_CHARS = 1024 * 1024;

// Control characters have no place in a name; NUL is refused everywhere (PostgreSQL TEXT cannot hold it).
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';
const NO_NUL = '^[^\\u0000]*$';

export const Id = Type.String({ minLength: 1, maxLength: ID_MAX_CHARS, pattern: NO_CONTROL });
export const Name = Type.String({ maxLength: ID_MAX_CHARS, pattern: NO_CONTROL });
export const Text = Type.String({ maxLength: TEXT_MAX_CHARS, pattern: NO_NUL });
export const Json = Type.String({ maxLength: JSON_MAX_CHARS, pattern: NO_NUL });
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** ms since epoch within the store's plausible range. */
export const Time = Type.Integer({ minimum: STORE_TIME_MIN, maximum: STORE_TIME_MAX });
export const LatencyMs = Type.Number({ minimum: 0, exclusiveMaximum: LATENCY_MAX_MS });
export const DurationMs = Type.Number({ minimum: 0, maximum: DURATION_MAX_MS });
export const Count = Type.Integer({ minimum: 0, maximum: INT32_MAX });
export const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const Flag = Type.Integer({ minimum: 0, maximum: 1 });
/** IoU, rates and shares. */
export const Rate01 = Type.Number({ minimum: 0, maximum: 1 });
export const FrameSize = Type.Integer({ minimum: 1, maximum: FRAME_SIZE_MAX });
/** Replay or sustained frames per second. */
export const Fps = Type.Number({ minimum: 0, maximum: 1_000_000 });
/** A corner's distance from the truth: at most a few frame diagonals even for a wild detection. */
export const PixelError = Type.Number({ minimum: 0, maximum: 4 * FRAME_SIZE_MAX });
/** Corner error in % of the truth card's diagonal (a tiny card and a wild detection give large ones). */
export const Percent = Type.Number({ minimum: 0, maximum: 1_000_000 });
export const ExitCodeNum = Type.Integer({ minimum: 0, maximum: 255 });
export const Sdk = Type.Integer({ minimum: 1, maximum: 1000 });
/** Android thermal status: NONE (0) … SHUTDOWN (6). */
export const ThermalStatus = Type.Integer({ minimum: 0, maximum: 6 });
export const BatteryTemp = Type.Number({ minimum: -50, maximum: 150 });
export const BatteryLevel = Type.Integer({ minimum: 0, maximum: 100 });
