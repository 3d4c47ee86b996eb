/**
 * An online run's uploader, inside the worker. It follows the run file the worker writes
 * (RunFileFollower), so what the network has not taken yet waits on disk, not in the heap:
 * at most one chunk of `recordBatch` records is held in memory, however long an outage lasts.
 *
 * Lifecycle: {@link OnlineUpload.begin} logs in and creates the experiment in the background
 * (init() never waits for it), then sends a chunk every `recordIntervalMs`.
 * {@link OnlineUpload.finish}, called after the FinishRecord is written and fsynced, drains
 * what is left within `finishTimeoutMs`, sends the final state, and otherwise prints how many
 * records are left and the exact `swanlab-node sync` command that uploads them.
 */
import path from 'node:path';
import { RunFileFollower } from '../../format/follower.js';
import { RunState } from '../../format/index.js';
import { ErrorCode, SwanlabError, serializeError } from '../../shared/errors.js';
import type { StartInfo, WorkerToMainStatus } from '../../shared/messages.js';
import type { UploadInit } from '../../shared/upload-messages.js';
import { SwanLabApi } from './api.js';
import { ApiError } from './errors.js';
import { startExperiment, type Experiment, type ServerSummary } from './experiment.js';
import { syncCommand } from '../../cloud/hint.js';
import { RecordUploader, type RunEnd } from './records.js';
import { sleep } from './retry.js';

/** Progress reports begin once the drain has taken this long (the issue: "more than a second"). */
const PROGRESS_AFTER_MS = 1000;
const PROGRESS_EVERY_MS = 200;
/** Of the finish budget, the part kept for the final state PUT after the drain. */
const STATE_RESERVE_MS = 2000;

/** Why the uploader stopped early. */
class FinishDeadline extends Error {
  constructor() {
    super('finish timeout');
  }
}

/** The uploader of one online run. */
export class OnlineUpload {
  readonly #init: UploadInit;
  readonly #runDir: string;
  readonly #file: string;
  readonly #start: StartInfo;
  readonly #post: (s: WorkerToMainStatus) => void;
  readonly #api: SwanLabApi;
  /** Aborts the drain at the finish deadline (the state PUT has its own). */
  readonly #stop = new AbortController();
  #loop: Promise<void> = Promise.resolve();
  #exp: Experiment | undefined;
  #uploader: RecordUploader | undefined;
  #follower: RunFileFollower | undefined;
  /** The start failed for good (bad key, 4xx): nothing is uploaded. */
  #failed = false;
  /** run.ready was rejected (failed, or unreachable for startTimeoutMs). */
  #readyRejected = false;
  #finishing = false;
  #wake: (() => void) | undefined;
  #chunk = 0;
  #chunkHandledAt = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #resolveStart: (summary: ServerSummary | undefined) => void = () => {};
  /**
   * What the server already holds of a resumed experiment once the start is done; undefined
   * for a new experiment or a start that failed. The worker continues each key's steps from
   * it (spec 5.2 step 6).
   */
  readonly resumeSummary: Promise<ServerSummary | undefined> = new Promise((resolve) => {
    this.#resolveStart = resolve;
  });

  constructor(init: UploadInit, runDir: string, runFile: string, start: StartInfo, post: (s: WorkerToMainStatus) => void) {
    this.#init = init;
    this.#runDir = runDir;
    this.#file = runFile;
    this.#start = start;
    this.#post = post;
    const t = init.tuning;
    this.#api = new SwanLabApi({
      apiHost: init.apiHost,
      apiKey: init.apiKey,
      sdkVersion: init.sdkVersion,
      timeoutMs: t.requestTimeoutMs,
      retry: { minMs: t.retryMinMs, maxMs: t.retryMaxMs },
      warn: (message) => this.#warn(message),
    });
  }

  /** Start: log in, create the experiment, then upload as the file grows. Never rejects. */
  begin(): void {
    this.#loop = this.#run().catch((err) => {
      if (err instanceof FinishDeadline || this.#stop.signal.aborted) return;
      this.#warn(`upload stopped by an unexpected error: ${(err as Error)?.stack ?? String(err)}; ${this.#hint()}`);
    });
  }

  /**
   * The FinishRecord is in the file: upload the rest within `finishTimeoutMs`, send the
   * state, and say what is left. Never rejects.
   */
  async finish(end: RunEnd): Promise<void> {
    const started = Date.now();
    const budget = this.#init.finishTimeoutMs;
    const reserve = Math.min(STATE_RESERVE_MS, budget / 5);
    this.#finishing = true;
    this.#wake?.();
    const deadline = setTimeout(() => this.#stop.abort(new FinishDeadline()), Math.max(0, budget - reserve));
    const handled0 = this.#uploader?.counts.handled ?? 0;
    const total = this.#pendingInChunk() + (this.#follower ? this.#follower.countAhead() : 0);
    let shown = false;
    const progress = setInterval(() => {
      if (Date.now() - started < PROGRESS_AFTER_MS || this.#exp === undefined) return;
      shown = true;
      this.#post({ t: 'upload-progress', sent: (this.#uploader?.counts.handled ?? 0) - handled0, total, final: false });
    }, PROGRESS_EVERY_MS);
    try {
      await this.#loop;
    } finally {
      clearTimeout(deadline);
      clearInterval(progress);
    }
    if (shown) this.#post({ t: 'upload-progress', sent: (this.#uploader?.counts.handled ?? 0) - handled0, total, final: true });
    await this.#finalState(end, Math.max(0, started + budget - Date.now()));
    this.#report(started);
    this.#follower?.close();
    clearInterval(this.#heartbeat);
    await this.#api.close();
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    const t = this.#init.tuning;
    const unreachable = setTimeout(() => this.#startTimedOut(), t.startTimeoutMs);
    let exp: Experiment;
    try {
      exp = await startExperiment(
        this.#api,
        {
          project: this.#start.project,
          workspace: this.#start.workspace,
          name: this.#start.name,
          description: this.#start.description,
          tags: this.#start.tags,
          color: this.#start.color,
          id: this.#start.id,
          startedAtMs: this.#start.startedAt,
          resume: this.#init.resume,
        },
        this.#init.webHost,
        { signal },
      );
    } catch (err) {
      this.#resolveStart(undefined);
      if (signal.aborted) return;
      this.#failed = true;
      this.#rejectReady(err, `the online run could not start: ${(err as Error).message}. It keeps logging to ${this.#runDir}; once that is fixed, upload it with: ${this.#hint()}`);
      return;
    } finally {
      clearTimeout(unreachable);
    }
    this.#exp = exp;
    this.#resolveStart(exp.resumed ? exp.summary : undefined);
    if (this.#readyRejected) this.#warn(`reached SwanLab after all: uploading to ${exp.url}`);
    this.#post({ t: 'online', url: exp.url, resumed: exp.resumed });
    this.#beat();
    this.#heartbeat = setInterval(() => this.#beat(), t.heartbeatMs);
    // A resumed experiment's console continues from the server's last line.
    const uploader = new RecordUploader(this.#api, exp, this.#runDir, (m) => this.#warn(m), exp.resumed ? exp.summary.lastEpoch : 0);
    this.#uploader = uploader;
    const follower = new RunFileFollower(this.#file);
    this.#follower = follower;
    for (;;) {
      const records = follower.read(t.recordBatch);
      if (records.length > 0) {
        this.#chunk = records.length;
        this.#chunkHandledAt = uploader.counts.handled;
        await uploader.upload(records, signal);
        this.#chunk = 0;
        if (uploader.end || uploader.fatal) break;
        if (records.length === t.recordBatch) continue;
      } else if (follower.stoppedAt) {
        this.#warn(`upload stopped at a damaged record of ${this.#file} (${follower.stoppedAt.reason})`);
        break;
      }
      if (this.#finishing && records.length === 0) break;
      await this.#idle(t.recordIntervalMs);
    }
  }

  /** Crash text as an ERROR console line, then `PUT …/state`, within `ms`. */
  async #finalState(recorded: RunEnd, ms: number): Promise<void> {
    const uploader = this.#uploader;
    // The FinishRecord as uploaded, or (when the drain stopped before it) as the worker wrote it.
    const end = uploader?.end ?? recorded;
    if (!uploader || uploader.fatal || ms <= 0) return;
    const signal = AbortSignal.timeout(ms);
    try {
      if (end.state !== RunState.FINISHED) await uploader.errorLine(end.error || 'unknown error', end.finishedAtMs, signal);
      await uploader.putState(end, signal);
    } catch {
      // Out of time: the server closes the run itself (spec 5.2 step 8); sync --id sets the state.
    }
  }

  /** The finish summary: nothing when all went up, else what is left and the command. */
  #report(started: number): void {
    if (this.#failed) return;
    const stale = this.#uploader?.counts.stale ?? 0;
    if (stale > 0) {
      this.#warn(`${stale} value${stale === 1 ? ' was' : 's were'} not uploaded because the resumed experiment already has their (key, step); SwanLab keeps the first value. Log with steps above the server's to add points`);
    }
    const left = this.#pendingInChunk() + this.#countAhead();
    const dropped = this.#uploader?.counts.dropped ?? 0;
    if (left === 0 && dropped === 0 && this.#uploader?.end) return;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    let why: string;
    if (this.#exp === undefined) why = `SwanLab (${this.#init.apiHost}) could not be reached`;
    else if (this.#uploader?.fatal) why = 'the upload stopped';
    else if (left > 0) why = `the upload did not finish within finishTimeoutMs (${this.#init.finishTimeoutMs} ms; waited ${secs} s)`;
    else why = 'the server refused some of them';
    const n = left + dropped;
    const message = `${n} record${n === 1 ? '' : 's'} of run ${this.#start.id} ${n === 1 ? 'was' : 'were'} not uploaded: ${why}. They are safe in ${this.#runDir}; upload them with: ${this.#hint()}`;
    if (this.#exp === undefined && !this.#readyRejected) {
      this.#rejectReady(new SwanlabError(ErrorCode.NETWORK, `SwanLab (${this.#init.apiHost}) could not be reached`), message);
    } else {
      this.#warn(message);
    }
  }

  #pendingInChunk(): number {
    return this.#chunk === 0 || !this.#uploader ? 0 : Math.max(0, this.#chunk - (this.#uploader.counts.handled - this.#chunkHandledAt));
  }

  /** Records in the file beyond what the uploader has read (all of them when it never started). */
  #countAhead(): number {
    if (this.#follower) return this.#follower.countAhead();
    const f = new RunFileFollower(this.#file);
    try {
      return f.countAhead();
    } finally {
      f.close();
    }
  }

  #startTimedOut(): void {
    if (this.#exp !== undefined || this.#failed) return;
    this.#rejectReady(
      new SwanlabError(ErrorCode.NETWORK, `SwanLab (${this.#init.apiHost}) could not be reached within ${this.#init.tuning.startTimeoutMs} ms`),
      `SwanLab (${this.#init.apiHost}) cannot be reached; the run keeps logging to ${this.#runDir} and retrying in the background. If it stays unreachable, upload it later with: ${this.#hint()}`,
    );
  }

  #rejectReady(err: unknown, message: string): void {
    if (this.#readyRejected) return;
    this.#readyRejected = true;
    const e = serializeError(err, ErrorCode.NETWORK);
    this.#post({ t: 'upload-failed', error: { ...e, message } });
  }

  #beat(): void {
    const exp = this.#exp;
    if (!exp) return;
    this.#api
      .call('POST', `/house/experiments/${encodeURIComponent(exp.cuid)}/heartbeat`, { flagId: '123456' }, { retry: false, signal: this.#stop.signal })
      .catch((err) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429) this.#warn(`heartbeat: ${err.message}`);
      });
  }

  /** Wait `ms`, or less when finish() wakes the loop. */
  async #idle(ms: number): Promise<void> {
    await Promise.race([sleep(ms, this.#stop.signal), new Promise<void>((resolve) => (this.#wake = resolve))]);
    this.#wake = undefined;
  }

  #hint(): string {
    return syncCommand(this.#runDir, this.#start.id, this.#init.defaultHost ? undefined : this.#init.apiHost);
  }

  #warn(message: string): void {
    this.#post({ t: 'warn', message });
  }
}

/** Start the uploader of an online run whose worker writes `run-<id>.swanlab` in `runDir`. */
export function startUpload(init: UploadInit, runDir: string, start: StartInfo, post: (s: WorkerToMainStatus) => void): OnlineUpload {
  const upload = new OnlineUpload(init, runDir, path.join(runDir, `run-${start.id}.swanlab`), start, post);
  upload.begin();
  return upload;
}
