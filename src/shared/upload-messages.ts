/**
 * The thread contract of online runs: what the main thread tells the worker's uploader in
 * workerData, and what the uploader reports back on the status port. The key travels only
 * here, in workerData; no message or log line carries it.
 */
import type { SerializedError } from './errors.js';

/** Timing and size knobs of the uploader (spec 5.3, 8), scaled down by tests through SWANLAB_* env vars. */
export interface UploadTuning {
  /** How often the uploader sends what was written since (`core.record_interval`, 1.5 s). */
  recordIntervalMs: number;
  /** Most records per request (`core.record_batch`, 10 000); also the records held in memory at once. */
  recordBatch: number;
  /** Heartbeat period (600 s). */
  heartbeatMs: number;
  /** First retry delay after a network error, 429 or 5xx (500 ms); doubles per failure. */
  retryMinMs: number;
  /** Cap of the retry delay (30 s). */
  retryMaxMs: number;
  /** Timeout of one HTTP request: connecting, waiting for headers, reading the body (30 s). */
  requestTimeoutMs: number;
  /** How long `run.ready` waits for an unreachable server before it rejects (the uploader keeps trying). */
  startTimeoutMs: number;
}

/** What an online run's worker needs to upload: `WorkerInit.upload`. */
export interface UploadInit {
  apiKey: string;
  /** `scheme://host[:port]` of the API; calls go to `${apiHost}/api/...`. */
  apiHost: string;
  /** `scheme://host[:port]` of the web app, for run URLs. */
  webHost: string;
  /** True when the hosts are SwanLab cloud's defaults (the sync hint then needs no --host). */
  defaultHost: boolean;
  resume: ResumePolicy;
  /** How long finish waits for uploads to drain before it gives up and prints the sync hint. */
  finishTimeoutMs: number;
  /** Sent as `X-SwanLab-SDK-Version`. */
  sdkVersion: string;
  tuning: UploadTuning;
}

/** `resume` of init() (spec 6.1). */
export type ResumePolicy = 'must' | 'allow' | 'never';

/** The run exists on the server: `run.ready` resolves with its URL. */
export interface OnlineStatus {
  t: 'online';
  url: string;
  /** True when the experiment already existed (resumed). */
  resumed: boolean;
}

/**
 * The run could not be started on the server (bad key, no such workspace, unreachable):
 * `run.ready` rejects with this error. The message already says how to sync later.
 */
export interface UploadFailedStatus {
  t: 'upload-failed';
  error: SerializedError;
}

/** Progress of the upload drain at finish, sent after it has taken a second. */
export interface UploadProgressStatus {
  t: 'upload-progress';
  /** Records sent since the drain began. */
  sent: number;
  /** Records the drain had to send when it began. */
  total: number;
  /** The last report of this drain (done, or given up). */
  final: boolean;
}

/** Every status the uploader sends to the main thread. */
export type UploadStatus = OnlineStatus | UploadFailedStatus | UploadProgressStatus;
