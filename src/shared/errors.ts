/**
 * Stable error codes. Match on `err.code`, never on the message (as undici's `UND_ERR_*`).
 * Errors cross the thread boundary as {@link SerializedError} data and are rebuilt with their code.
 */
export const ErrorCode = {
  /** An init() option is invalid; the message names it. */
  INVALID_OPTION: 'SWANLAB_INVALID_OPTION',
  /** A log() key is empty after stripping, or contains control characters. */
  INVALID_KEY: 'SWANLAB_INVALID_KEY',
  /** A log() value is not a number, boolean, numeric string or safe bigint. */
  INVALID_VALUE: 'SWANLAB_INVALID_VALUE',
  /** A log() step is not a non-negative safe integer. */
  INVALID_STEP: 'SWANLAB_INVALID_STEP',
  /** log(), config or finish() called with no run alive. */
  NO_RUN: 'SWANLAB_NO_RUN',
  /** init() while another run is alive and `reinit` is not set. */
  RUN_ACTIVE: 'SWANLAB_RUN_ACTIVE',
  /** The mode exists in SwanLab but is not implemented yet. */
  UNSUPPORTED_MODE: 'SWANLAB_UNSUPPORTED_MODE',
  /** The worker thread stopped; the run cannot record any more. */
  WORKER_DIED: 'SWANLAB_WORKER_DIED',
  /** The ring stayed full for longer than `ringFullTimeoutMs`. Nothing of that call was written. */
  RING_FULL: 'SWANLAB_RING_FULL',
  /** A record is larger than the ring can carry. */
  FRAME_TOO_LARGE: 'SWANLAB_FRAME_TOO_LARGE',
  /** The worker did not confirm the exit flush within `exitFlushTimeoutMs`. */
  FLUSH_TIMEOUT: 'SWANLAB_FLUSH_TIMEOUT',
  /** The run folder or record file could not be created or written. */
  IO: 'SWANLAB_IO',
  /** A run file is not a SwanLab run file, or of another version (readRun). */
  RUN_FILE: 'SWANLAB_RUN_FILE',
  /** Main and worker disagree on the ring protocol version. */
  PROTOCOL: 'SWANLAB_PROTOCOL',
  /** The SwanLab server refused the API key (login), or no key is available for an online run. */
  AUTH: 'SWANLAB_AUTH',
  /** The SwanLab server answered an API call with an error; the message names the endpoint and the server's message. */
  API: 'SWANLAB_API',
  /** The SwanLab server could not be reached (connection refused or reset, timeout). */
  NETWORK: 'SWANLAB_NETWORK',
  /** A command-line usage error of `swanlab-node` (unknown flag, missing argument). */
  USAGE: 'SWANLAB_USAGE',
  /** A media constructor (Image, Audio, Text, ...) was given data it cannot use; the message names the class and the input. */
  INVALID_MEDIA: 'SWANLAB_INVALID_MEDIA',
} as const;
/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error as data, the form in which it crosses between threads. */
export interface SerializedError {
  code: string;
  message: string;
  stack?: string;
}

/** Base class of the errors swanlab-node throws or rejects with. */
export class SwanlabError extends Error {
  /** Stable code, one of {@link ErrorCode}. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SwanlabError';
    this.code = code;
  }
}

/** Attach a stable code to a built-in error class (strict-mode TypeError / RangeError). */
export function withCode<E extends Error>(err: E, code: ErrorCode): E & { code: ErrorCode } {
  return Object.assign(err, { code });
}

/** Turn any thrown value into data that survives postMessage. */
export function serializeError(err: unknown, fallbackCode: ErrorCode): SerializedError {
  if (err instanceof Error) {
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as unknown as { code: string }).code : fallbackCode;
    return { code, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  }
  return { code: fallbackCode, message: String(err) };
}
