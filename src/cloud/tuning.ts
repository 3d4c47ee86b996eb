/**
 * The uploader's timing knobs (spec 5.3, 8) and their environment variables, in seconds as
 * SwanLab's settings are. Tests scale them down (a "30-second outage" that lasts a second).
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import type { UploadTuning } from '../shared/upload-messages.js';
import { envValue } from './env.js';

function seconds(name: string, def: number, min: number, max: number): number {
  const raw = envValue(name);
  if (raw === undefined) return Math.round(def * 1000);
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new SwanlabError(ErrorCode.INVALID_OPTION, `${name} must be a number of seconds from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Math.round(v * 1000);
}

/**
 * Read the knobs: `SWANLAB_CORE_RECORD_INTERVAL` (1.5 s), `SWANLAB_CORE_RECORD_BATCH` (10 000
 * records, below 100 000), `SWANLAB_HEARTBEAT_INTERVAL` (600 s), `SWANLAB_UPLOAD_RETRY_MIN`
 * (0.5 s) and `SWANLAB_UPLOAD_RETRY_MAX` (30 s), `SWANLAB_UPLOAD_TIMEOUT` (30 s per request),
 * `SWANLAB_UPLOAD_START_TIMEOUT` (30 s before `run.ready` gives up on an unreachable server).
 * @throws SwanlabError `SWANLAB_INVALID_OPTION` naming the variable.
 */
export function uploadTuning(): UploadTuning {
  const batchRaw = envValue('SWANLAB_CORE_RECORD_BATCH');
  let recordBatch = 10_000;
  if (batchRaw !== undefined) {
    recordBatch = Number(batchRaw);
    if (!Number.isInteger(recordBatch) || recordBatch <= 0 || recordBatch >= 100_000) {
      throw new SwanlabError(ErrorCode.INVALID_OPTION, `SWANLAB_CORE_RECORD_BATCH must be an integer from 1 to 99999, got ${JSON.stringify(batchRaw)}`);
    }
  }
  const retryMinMs = seconds('SWANLAB_UPLOAD_RETRY_MIN', 0.5, 0.001, 600);
  return {
    recordIntervalMs: seconds('SWANLAB_CORE_RECORD_INTERVAL', 1.5, 0.001, 3600),
    recordBatch,
    heartbeatMs: seconds('SWANLAB_HEARTBEAT_INTERVAL', 600, 0.01, 86_400),
    retryMinMs,
    retryMaxMs: Math.max(retryMinMs, seconds('SWANLAB_UPLOAD_RETRY_MAX', 30, 0.001, 3600)),
    requestTimeoutMs: seconds('SWANLAB_UPLOAD_TIMEOUT', 30, 0.01, 3600),
    startTimeoutMs: seconds('SWANLAB_UPLOAD_START_TIMEOUT', 30, 0, 3600),
  };
}
