/**
 * Messages between the threads, named by direction. MainToWorker messages travel in the ring
 * (MESSAGE frames) so they keep their order relative to log() frames; WorkerToMain messages
 * travel on the status MessagePort given in {@link WorkerInit}.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from './errors.js';
import type { EnvironmentInit } from './environment-messages.js';
import type { UploadInit, UploadStatus } from './upload-messages.js';

/** How a run ended, as written in its FinishRecord. */
export const FinishState = {
  FINISHED: 1,
  CRASHED: 2,
  ABORTED: 3,
} as const;
/** One of the values of {@link FinishState}. */
export type FinishState = (typeof FinishState)[keyof typeof FinishState];

/** Replace the run config with this snapshot (values already JSON-safe). */
export interface ConfigMessage {
  t: 'config';
  config: Record<string, unknown>;
}

/** Write the FinishRecord, fsync, then confirm with `id` (Slot.ACK and a `finished` message). */
export interface FinishMessage {
  t: 'finish';
  id: number;
  state: FinishState;
  error: string;
  /** ms since epoch, taken on the main thread when the run ended. */
  time: number;
}

/** Flush what is buffered to the file (no fsync) and confirm with `id`. */
export interface FlushMessage {
  t: 'flush';
  id: number;
}

/** Every message the main thread sends in the ring. */
export type MainToWorkerMessage = ConfigMessage | FinishMessage | FlushMessage;

/** A warning for the user, printed by the main thread with the `swanlab:` prefix. */
export interface WarnStatus {
  t: 'warn';
  message: string;
}

/** Reply to a FinishMessage or FlushMessage. */
export interface DoneStatus {
  t: 'done';
  id: number;
  /** Records in the run file. */
  records: number;
  /** Values dropped because their (key, step) already had one. */
  duplicates: number;
}

/** The worker failed and stopped. */
export interface FatalStatus {
  t: 'fatal';
  error: SerializedError;
}

/** Every message the worker sends on the status port. */
export type WorkerToMainStatus = WarnStatus | DoneStatus | FatalStatus | UploadStatus;

/** The StartRecord fields the main thread resolved at init(). */
export interface StartInfo {
  project: string;
  workspace: string;
  name: string;
  description: string;
  tags: string[];
  color: string;
  id: string;
  /** ms since epoch */
  startedAt: number;
}

/** workerData of the worker thread. */
export interface WorkerInit {
  protocolVersion: number;
  sab: SharedArrayBuffer;
  statusPort: MessagePort;
  /** Absolute run folder, already created by init(). */
  runDir: string;
  start: StartInfo;
  /** Initial config snapshot (JSON-safe). */
  config: Record<string, unknown>;
  /** Idle poll period of the drain loop, ms: the bound on how long a record waits in the ring. */
  pollMs: number;
  /** Environment recording: probes, console capture, hardware monitor. */
  env: EnvironmentInit;
  /** Present for online runs: where and how to upload (src/worker/upload). */
  upload?: UploadInit;
  /** Receives the MediaBlob payloads too large for the ring (shared/media.ts). */
  mediaPort: MessagePort;
}
