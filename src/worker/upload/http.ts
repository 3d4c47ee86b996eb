/**
 * One HTTP exchange with the SwanLab API, over undici: a keep-alive `Pool` to the API host
 * (one TCP/TLS handshake for a whole run instead of one per batch) and an `Agent` for the
 * presigned object-store URLs of media files. JSON in, JSON (or text) out, errors as
 * {@link ApiError} / {@link NetworkError}. No retry here: see api.ts.
 */
import { Agent, Pool } from 'undici';
import { ApiError, NetworkError } from './errors.js';

/** What a call sends. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path under `/api`, with its query string. */
  path: string;
  /** JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What a successful call got. */
export interface HttpResponse {
  status: number;
  /** Parsed JSON, or the text when the body is not JSON. */
  data: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Options of an {@link HttpClient}. */
export interface HttpClientOptions {
  /** `scheme://host[:port]`. */
  apiHost: string;
  sdkVersion: string;
  /** Connect, headers and body timeout of each request. */
  timeoutMs: number;
}

/** The API host's connection pool. */
export class HttpClient {
  readonly apiHost: string;
  readonly #pool: Pool;
  readonly #agent: Agent;
  readonly #sdkVersion: string;

  constructor(o: HttpClientOptions) {
    this.apiHost = o.apiHost;
    this.#sdkVersion = o.sdkVersion;
    const timeouts = { headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connectTimeout: o.timeoutMs };
    this.#pool = new Pool(o.apiHost, { ...timeouts, connections: 4, keepAliveTimeout: 30_000 });
    this.#agent = new Agent({ ...timeouts, connections: 10 });
  }

  /** `METHOD https://host/api/path` without the query, for messages. */
  endpoint(method: string, path: string): string {
    return `${method} ${this.apiHost}/api${path.split('?')[0]}`;
  }

  /**
   * One request to `${apiHost}/api${path}`.
   * @throws ApiError for a status >= 400; NetworkError when no answer came.
   */
  async call(req: HttpRequest): Promise<HttpResponse> {
    const endpoint = this.endpoint(req.method, req.path);
    const headers: Record<string, string> = { 'x-swanlab-sdk-version': this.#sdkVersion, ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    let res;
    let text: string;
    try {
      res = await this.#pool.request({ method: req.method, path: `/api${req.path}`, headers, body: body ?? null, signal: req.signal ?? null });
      text = await res.body.text();
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      throw new NetworkError(endpoint, err);
    }
    const data = parseBody(text);
    if (res.statusCode >= 400) {
      throw new ApiError(res.statusCode, endpoint, serverMessage(data, text), retryAfterMs(res.headers['retry-after']));
    }
    return { status: res.statusCode, data, headers: res.headers };
  }

  /** PUT raw bytes to a presigned URL (any host). */
  async putUrl(url: string, bytes: Uint8Array, contentType: string, signal?: AbortSignal): Promise<void> {
    const endpoint = `PUT ${url.split('?')[0]}`;
    let res;
    let text: string;
    try {
      res = await this.#agent.request({
        origin: new URL(url).origin,
        path: new URL(url).pathname + new URL(url).search,
        method: 'PUT',
        headers: { 'content-type': contentType, 'content-length': String(bytes.byteLength) },
        body: bytes,
        signal: signal ?? null,
      });
      text = await res.body.text();
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      throw new NetworkError(endpoint, err);
    }
    if (res.statusCode >= 400) throw new ApiError(res.statusCode, endpoint, serverMessage(parseBody(text), text), retryAfterMs(res.headers['retry-after']));
  }

  /** Close the connections (in-flight requests are aborted). */
  async close(): Promise<void> {
    await Promise.allSettled([this.#pool.destroy(), this.#agent.destroy()]);
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The server's `{code, message}` (spec 5.1), else the start of the body text. */
function serverMessage(data: unknown, text: string): string {
  if (data !== null && typeof data === 'object') {
    const m = (data as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') return m;
    const e = (data as { error?: unknown }).error;
    if (typeof e === 'string' && e !== '') return e;
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function retryAfterMs(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
