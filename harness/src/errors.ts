/**
 * The one catalogue of rio-farm errors. Every failure the harness reports is one of these kinds,
 * so exit codes, JUnit outcomes, retries and HTTP statuses are decided in one place.
 *
 * Exit codes (documented in README): 0 pass, 1 product failure (a quality/latency bar missed),
 * 2 infrastructure failure (device, adb, install, app crash, timeout, invalid results),
 * 3 bad input or configuration; 4 (`signoff` only) inconclusive: the policy's budget was spent before every gate was decided.
 */
export const ExitCode = {
  Ok: 0,
  ProductFailure: 1,
  Infrastructure: 2,
  BadInput: 3,
  Inconclusive: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Infrastructure failures are retried; product failures and bad input never are. */
export type FailureClass = 'infrastructure' | 'product' | 'bad-input';

interface ErrorKind {
  readonly class: FailureClass;
  readonly httpStatus: number;
}

/** Add new kinds here rather than throwing ad-hoc errors. */
export const ErrorKinds = {
  // bad input / configuration
  BAD_SCENARIO: { class: 'bad-input', httpStatus: 400 },
  BAD_ARGUMENT: { class: 'bad-input', httpStatus: 400 },
  BAD_CONFIG: { class: 'bad-input', httpStatus: 400 },
  BAD_APK: { class: 'bad-input', httpStatus: 400 },
  BAD_MODEL: { class: 'bad-input', httpStatus: 400 },
  UNSUPPORTED_OP: { class: 'bad-input', httpStatus: 400 },
  NOT_FOUND: { class: 'bad-input', httpStatus: 404 },
  UNAUTHORIZED: { class: 'bad-input', httpStatus: 401 },
  TOO_LARGE: { class: 'bad-input', httpStatus: 413 },
  /** An upload that would change a run it does not own (recorded locally, or uploaded by another host). */
  CONFLICT: { class: 'bad-input', httpStatus: 409 },
  /** Too many wrong tokens from one address: refused until the window passes (429 + Retry-After). */
  RATE_LIMITED: { class: 'bad-input', httpStatus: 429 },
  // infrastructure
  ADB_ERROR: { class: 'infrastructure', httpStatus: 502 },
  DEVICE_GONE: { class: 'infrastructure', httpStatus: 502 },
  DEVICE_UNHEALTHY: { class: 'infrastructure', httpStatus: 503 },
  INSTALL_FAILED: { class: 'infrastructure', httpStatus: 502 },
  APP_CRASH: { class: 'infrastructure', httpStatus: 502 },
  TIMEOUT: { class: 'infrastructure', httpStatus: 504 },
  INVALID_RESULTS: { class: 'infrastructure', httpStatus: 502 },
  STORE_ERROR: { class: 'infrastructure', httpStatus: 500 },
  /** The server is at its limit for this kind of request: try again after Retry-After seconds. */
  BUSY: { class: 'infrastructure', httpStatus: 503 },
  /** A bug or an unforeseen failure inside rio-farm itself (the server answers 500). */
  INTERNAL_ERROR: { class: 'infrastructure', httpStatus: 500 },
  // product
  BELOW_BAR: { class: 'product', httpStatus: 200 },
} as const satisfies Record<string, ErrorKind>;
export type ErrorCode = keyof typeof ErrorKinds;

export class RioError extends Error {
  readonly code: ErrorCode;
  /** Where it happened: file, field, device serial, frame index… whatever locates it. */
  readonly where: Record<string, string | number> | undefined;
  constructor(code: ErrorCode, message: string, where?: Record<string, string | number>, options?: { cause?: unknown }) {
    super(where ? `${message} (${Object.entries(where).map(([k, v]) => `${k}=${v}`).join(', ')})` : message, options);
    this.name = 'RioError';
    this.code = code;
    this.where = where;
  }
  get failureClass(): FailureClass {
    return ErrorKinds[this.code].class;
  }
  get exitCode(): ExitCode {
    const c = this.failureClass;
    return c === 'infrastructure' ? ExitCode.Infrastructure : c === 'product' ? ExitCode.ProductFailure : ExitCode.BadInput;
  }
  get httpStatus(): number {
    return ErrorKinds[this.code].httpStatus;
  }
}
