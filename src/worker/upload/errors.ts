/**
 * Errors of SwanLab API calls, with stable codes (style.md 8): `SWANLAB_API` names the
 * endpoint, the HTTP status and the server's own message; `SWANLAB_NETWORK` names the
 * endpoint and what the connection did; `SWANLAB_AUTH` is a refused key.
 */
import { ErrorCode, SwanlabError } from '../../shared/errors.js';

/** The server answered with an error status. */
export class ApiError extends SwanlabError {
  /** HTTP status. */
  readonly status: number;
  /** `METHOD https://host/api/path`. */
  readonly endpoint: string;
  /** The server's `message` (or its body text), '' when it said nothing. */
  readonly serverMessage: string;
  /** Delay the server asked for (Retry-After), ms. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, endpoint: string, serverMessage: string, retryAfterMs?: number, code: ErrorCode = ErrorCode.API) {
    super(code, `${endpoint} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'ApiError';
    this.status = status;
    this.endpoint = endpoint;
    this.serverMessage = serverMessage;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request did not get an answer: refused, reset, timed out. */
export class NetworkError extends SwanlabError {
  /** `METHOD https://host/api/path`. */
  readonly endpoint: string;
  constructor(endpoint: string, cause: unknown) {
    const c = cause as { code?: string; message?: string };
    super(ErrorCode.NETWORK, `${endpoint} failed: ${c?.code ? `${c.code} ` : ''}${c?.message ?? String(cause)}`, { cause });
    this.name = 'NetworkError';
    this.endpoint = endpoint;
  }
}

/** True for failures that a later try may not repeat: no answer, 429, or a 5xx. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true;
  if (err instanceof ApiError) return err.status === 429 || err.status >= 500;
  return false;
}

/** True for an error raised because our own AbortSignal fired (finish deadline, Ctrl+C). */
export function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && !(err instanceof ApiError);
}
