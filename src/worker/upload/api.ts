/**
 * The SwanLab API session (spec 5.1): login with the API key, the `sid` cookie on every call,
 * a fresh login before the session expires and on a 401, and the retry loop: network errors,
 * 429 and 5xx are retried with capped backoff (retry.ts) until the call's signal aborts; any
 * other status is thrown to the caller, which decides what is lost.
 */
import { ErrorCode } from '../../shared/errors.js';
import { ApiError, NetworkError, isRetryable } from './errors.js';
import { HttpClient, type HttpRequest, type HttpResponse } from './http.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';

/** SwanLab re-logs in when the session has this little left (spec 5.1). */
const RELOGIN_BEFORE_MS = 7 * 24 * 3600 * 1000;
/** At most one "retrying" warning per this period (SwanLab's 30 s). */
const WARN_EVERY_MS = 30_000;

/** Options of a {@link SwanLabApi}. */
export interface ApiOptions {
  apiHost: string;
  apiKey: string;
  sdkVersion: string;
  timeoutMs: number;
  retry: RetryPolicy;
  /** One line for the user (printed with the `swanlab:` prefix). */
  warn: (message: string) => void;
}

/** The logged-in user. */
export interface LoginInfo {
  username: string;
  name: string | null;
  /** ms since epoch. */
  expiresAt: number;
}

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Retry network errors, 429 and 5xx (default true). */
  retry?: boolean;
}

/** A logged-in API client. */
export class SwanLabApi {
  readonly http: HttpClient;
  readonly #key: string;
  readonly #retry: RetryPolicy;
  readonly #warn: (message: string) => void;
  #sid: string | undefined;
  #expiresAt = 0;
  /** Re-login when the session has this little left: 7 days, or half its life if it is shorter. */
  #refreshBeforeMs = RELOGIN_BEFORE_MS;
  #user: LoginInfo | undefined;
  #failing = false;
  #lastWarn = -Infinity;

  constructor(o: ApiOptions) {
    this.http = new HttpClient({ apiHost: o.apiHost, sdkVersion: o.sdkVersion, timeoutMs: o.timeoutMs });
    this.#key = o.apiKey;
    this.#retry = o.retry;
    this.#warn = o.warn;
  }

  /** The logged-in user; set after the first successful call or {@link login}. */
  get user(): LoginInfo | undefined {
    return this.#user;
  }

  /**
   * `POST /api/login/api_key` with the raw key in `authorization` (one try).
   * @throws ApiError `SWANLAB_AUTH` when the key is refused.
   */
  async login(signal?: AbortSignal): Promise<LoginInfo> {
    let res: HttpResponse;
    try {
      res = await this.http.call({ method: 'POST', path: '/login/api_key', headers: { authorization: this.#key }, signal });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        throw new ApiError(err.status, err.endpoint, `${err.serverMessage || 'the API key was refused'} (check the key: swanlab-node login --relogin)`, undefined, ErrorCode.AUTH);
      }
      throw err;
    }
    const d = res.data as { sid?: unknown; expiredAt?: unknown; userInfo?: { username?: unknown; name?: unknown } } | null;
    const username = d?.userInfo?.username;
    if (typeof d?.sid !== 'string' || typeof username !== 'string') {
      throw new ApiError(res.status, this.http.endpoint('POST', '/login/api_key'), 'the login answer lacks sid or userInfo.username');
    }
    const expires = typeof d.expiredAt === 'string' ? Date.parse(d.expiredAt) : NaN;
    this.#sid = d.sid;
    // Unknown expiry: assume a day, so the session is refreshed on its 401 at the latest.
    this.#expiresAt = Number.isNaN(expires) ? Date.now() + 24 * 3600 * 1000 : expires;
    // SwanLab's fixed 7 days would mean a login before every call with shorter sessions.
    this.#refreshBeforeMs = Math.min(RELOGIN_BEFORE_MS, (this.#expiresAt - Date.now()) / 2);
    this.#user = { username, name: typeof d.userInfo?.name === 'string' ? d.userInfo.name : null, expiresAt: this.#expiresAt };
    return this.#user;
  }

  /** Log in unless a fresh session exists; network errors, 429 and 5xx are retried until `signal` aborts. */
  async session(o: CallOptions = {}): Promise<LoginInfo> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.#user === undefined || this.#sid === undefined || this.#expiresAt - Date.now() <= this.#refreshBeforeMs) await this.login(o.signal);
        this.#recovered();
        return this.#user!;
      } catch (err) {
        if (o.retry === false || !isRetryable(err) || o.signal?.aborted) throw err;
        this.#failed(err as Error);
        await sleep(backoffDelay(attempt, this.#retry), o.signal);
      }
    }
  }

  /**
   * A call to `/api${path}` with the session cookie, logging in first when needed and again
   * on a 401; retried per {@link CallOptions.retry} until `signal` aborts.
   */
  async call(method: HttpRequest['method'], path: string, body?: unknown, o: CallOptions = {}): Promise<HttpResponse> {
    let relogged = false;
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.#sid === undefined || this.#expiresAt - Date.now() <= this.#refreshBeforeMs) await this.login(o.signal);
        const res = await this.http.call({ method, path, body, headers: { cookie: `sid=${this.#sid}` }, signal: o.signal });
        this.#recovered();
        return res;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401 && err.code !== ErrorCode.AUTH && !relogged) {
          // The session was invalidated (issue #1715): log in again and repeat the call once.
          relogged = true;
          this.#sid = undefined;
          attempt--;
          continue;
        }
        if (o.retry === false || !isRetryable(err) || o.signal?.aborted) throw err;
        this.#failed(err as Error);
        const asked = err instanceof ApiError ? (err.retryAfterMs ?? 0) : 0;
        await sleep(Math.min(this.#retry.maxMs, Math.max(asked, backoffDelay(attempt, this.#retry))), o.signal);
      }
    }
  }

  /** PUT bytes to a presigned URL, retried as {@link call}. */
  async put(url: string, bytes: Uint8Array, contentType: string, o: CallOptions = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.http.putUrl(url, bytes, contentType, o.signal);
        this.#recovered();
        return;
      } catch (err) {
        if (o.retry === false || !isRetryable(err) || o.signal?.aborted) throw err;
        this.#failed(err as Error);
        await sleep(backoffDelay(attempt, this.#retry), o.signal);
      }
    }
  }

  /** Forget the session and close the connections (SwanLab destroys its client at finish: issue #1715). */
  async close(): Promise<void> {
    this.#sid = undefined;
    await this.http.close();
  }

  #failed(err: Error): void {
    this.#failing = true;
    const now = Date.now();
    if (now - this.#lastWarn < WARN_EVERY_MS) return;
    this.#lastWarn = now;
    const what = err instanceof NetworkError || err instanceof ApiError ? err.message : String(err);
    this.#warn(`upload failed for now (${what}); retrying automatically, nothing is lost`);
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#lastWarn = -Infinity;
    this.#warn('upload recovered');
  }
}
