/**
 * A run as the user holds it: a small public facade over private parts (piscina's
 * `class Piscina { #pool }` habit): the ring writer, the log() encoder, the worker link.
 */
import { ErrorCode, SwanlabError, type SerializedError } from '../shared/errors.js';
import { FinishState, type StartInfo } from '../shared/messages.js';
import { RingWriter } from '../shared/ring.js';
import { Slot, createSharedRing } from '../shared/layout.js';
import { createConfig, type Config } from './config.js';
import { unwatchExit, watchExit, type ExitTarget } from './exit-hooks.js';
import { LogEncoder, type EncoderHost } from './log-encoder.js';
import type { ResolvedOptions } from './options.js';
import type { Problem } from './validate.js';
import { WorkerLink } from './worker-link.js';
import { printWarning } from './print.js';
import { RunEnvironment, environmentInit } from './run-environment.js';
import { UploadView } from './upload-status.js';
import type { Media } from './media/media.js';

/** Internal: what init() hands a Run. */
export interface RunSetup {
  options: ResolvedOptions;
  id: string;
  name: string;
  dir: string;
  start: StartInfo;
  /** Called once when the run has finished (or failed to), so it stops being current. */
  onClosed: (run: Run) => void;
}

/** Access to internals for swanlab-node's own tests; not part of the API. */
export const INTERNALS = Symbol.for('swanlab-node.internals');

/** A run started by {@link init}: log metrics to it, then finish it. */
export class Run implements ExitTarget {
  /** Run id (8 characters of `[a-z0-9]` unless given). */
  readonly id: string;
  /** Experiment name. */
  readonly name: string;
  /** Absolute path of the run folder (`<logdir>/run-YYYYMMDD_HHMMSS-<id>`). */
  readonly dir: string;
  /** Where records go: `online` (run folder and SwanLab), `offline`, `local` or `disabled`. */
  readonly mode: 'offline' | 'local' | 'disabled' | 'online';
  /**
   * Online runs: resolves with the run's URL once the server has the experiment, or rejects
   * with the reason it cannot (`SWANLAB_AUTH` for a refused key, `SWANLAB_API` naming the
   * endpoint and the server's message, `SWANLAB_NETWORK` when SwanLab stays unreachable). The run
   * logs locally either way. Other modes: resolves with undefined.
   */
  readonly ready: Promise<string | undefined>;
  /** The run config; changes are written to `files/config.yaml`. */
  readonly config: Config;

  readonly #options: ResolvedOptions;
  readonly #encoder: LogEncoder;
  readonly #ring: RingWriter | undefined;
  readonly #link: WorkerLink | undefined;
  /** Console capture and the finish line (not in disabled mode). */
  readonly #environment: RunEnvironment | undefined;
  readonly #onClosed: (run: Run) => void;
  readonly #reported = new Set<string>();
  readonly #upload: UploadView;
  #open = true;
  #dead: SerializedError | undefined;
  #deadReported = false;
  #dropped = 0;
  #finishId = 0;
  #finished: Promise<void> | undefined;
  #closed = false;

  /** @internal use {@link init}. */
  constructor(setup: RunSetup) {
    const o = setup.options;
    this.#options = o;
    this.id = setup.id;
    this.name = setup.name;
    this.dir = setup.dir;
    this.mode = o.mode;
    this.#onClosed = setup.onClosed;
    this.#upload = new UploadView(o.upload !== undefined);
    this.ready = this.#upload.ready;
    this.config = createConfig(o.config, (snapshot) => this.#sendConfig(snapshot));
    const host = this.#encoderHost();
    if (o.mode === 'disabled') {
      this.#encoder = new LogEncoder(undefined, host);
      return;
    }
    const sab = createSharedRing(o.ringBytes);
    // The clock slot starts at init time; the worker refreshes it on each wake-up.
    new Float64Array(sab)[Slot.CLOCK_F64] = Date.now();
    const ring = new RingWriter(sab);
    this.#ring = ring;
    this.#encoder = new LogEncoder(ring, host);
    this.#environment = new RunEnvironment(o, ring, { name: setup.name, dir: setup.dir, startedAt: setup.start.startedAt }, () => this.#link?.deadReason === undefined);
    this.#link = new WorkerLink(ring, sab, setup.dir, setup.start, this.config.toJSON(), environmentInit(o), {
      warn: (m) => printWarning(m),
      died: (e) => {
        this.#markDead(e);
        this.#environment?.detach();
        this.#upload.settle(new SwanlabError(ErrorCode.WORKER_DIED, `swanlab-node's worker thread stopped: ${e.message}`));
      },
      upload: (s) => this.#upload.onStatus(s),
    }, o.upload);
    watchExit(this);
  }

  /**
   * Record metrics. `data` maps metric names to numbers (booleans, numeric strings and safe
   * bigints are converted) or media (an Image, Audio, … or a list of one class); nested plain
   * objects are flattened with `/`. Without `step` each key gets its own largest step + 1;
   * with it, every key of the call gets that step.
   */
  log(data: LogData, step?: number): void {
    // No open/dead check here: a finished run or a dead worker closes the encoder, whose
    // closed path calls #logClosed (one check less per call, bench "log({loss, acc})").
    this.#encoder.log(data, step);
  }

  /** Online runs: the run's URL once the server has it (see {@link ready}). */
  get url(): string | undefined {
    return this.#upload.url;
  }

  /** True until the run is finished. */
  get alive(): boolean {
    return this.#open;
  }

  /**
   * Finish the run: every record logged before is written and fsynced when the promise
   * resolves. Calling it again returns the same promise. Rejects with `SWANLAB_WORKER_DIED`
   * if the worker thread stopped.
   */
  finish(): Promise<void> {
    this.#finished ??= this.#finishAsync();
    return this.#finished;
  }

  /** @internal exit hook: the loop is about to go idle. */
  finishOnBeforeExit(): void {
    this.finish().catch(() => {
      /* reported by #close */
    });
  }

  /** @internal exit hook and reinit: finish now, blocking this thread until the worker confirms. */
  finishSync(state: FinishState, error: string): void {
    if (this.#closed) return;
    this.#stopLogging();
    const link = this.#link;
    if (!link || this.#dead) return this.#close(undefined);
    try {
      // Media data still coming (a tensor's data()) cannot arrive while this thread blocks.
      this.#encoder.abandonLateMedia();
      if (this.#finishId === 0) this.#requestFinish(link, state, error);
    } catch (err) {
      return this.#close(undefined, err as Error);
    }
    // An online run's worker also drains its uploads (at most finishTimeoutMs) before it confirms.
    const timeout = this.#options.exitFlushTimeoutMs + (this.#options.upload?.finishTimeoutMs ?? 0);
    const reply = link.waitDoneSync(this.#finishId, timeout);
    if (reply) {
      link.markDone();
      return this.#close(reply.duplicates);
    }
    const reason = link.deadReason
      ? `the worker thread stopped: ${link.deadReason.message}`
      : `the worker did not confirm within exitFlushTimeoutMs (${timeout} ms); the run file may lack its last records and its FinishRecord`;
    this.#close(undefined, new SwanlabError(ErrorCode.FLUSH_TIMEOUT, reason));
  }

  get [INTERNALS](): { worker: WorkerLink['worker'] | undefined; ring: RingWriter | undefined } {
    return { worker: this.#link?.worker, ring: this.#ring };
  }

  async #finishAsync(): Promise<void> {
    this.#stopLogging();
    const link = this.#link;
    if (!link) return this.#close(undefined);
    try {
      if (this.#dead) throw this.#deathError();
      await this.#encoder.settleMedia(this.#options.exitFlushTimeoutMs);
      if (this.#finishId === 0) this.#requestFinish(link, FinishState.FINISHED, '');
      const reply = await link.whenDone(this.#finishId);
      link.markDone();
      this.#close(reply.duplicates);
    } catch (err) {
      this.#close(undefined, err as Error);
      throw err;
    }
  }

  #requestFinish(link: WorkerLink, state: FinishState, error: string): void {
    const id = link.nextId();
    this.#finishId = id;
    const time = Date.now();
    this.#environment?.finishing(state, time);
    link.send({ t: 'finish', id, state, error, time }, this.#options.ringFullTimeoutMs);
  }

  #close(duplicates: number | undefined, failure?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopLogging();
    unwatchExit();
    this.#environment?.detach();
    this.#upload.settle(new SwanlabError(ErrorCode.NETWORK, `run ${this.id} ended before it reached SwanLab`));
    if (this.#dropped > 0) {
      printWarning(`${this.#dropped} value${this.#dropped === 1 ? ' was' : 's were'} dropped by log() validation (reasons above)`);
    }
    if (duplicates !== undefined && duplicates > 0) {
      printWarning(`${duplicates} value${duplicates === 1 ? ' was' : 's were'} dropped because a value at the same (key, step) came first; the first was kept`);
    }
    if (failure) printWarning(`run ${this.dir} did not finish cleanly: ${failure.message}`);
    this.#onClosed(this);
  }

  #sendConfig(snapshot: Record<string, unknown>): void {
    if (!this.#open) throw new SwanlabError(ErrorCode.NO_RUN, 'config: the run is finished; call init() to start a new one');
    if (!this.#link || this.#dead) return;
    this.#link.send({ t: 'config', config: snapshot }, this.#options.ringFullTimeoutMs);
  }

  /** The worker is gone: log() stops writing and reports it (#logClosed). */
  #markDead(reason: SerializedError): void {
    this.#dead = reason;
    this.#encoder.close();
  }

  #stopLogging(): void {
    this.#open = false;
    this.#encoder.close();
  }

  #logClosed(): void {
    if (this.#dead !== undefined) {
      if (!this.#deadReported) {
        this.#deadReported = true;
        printWarning(`log(): swanlab-node's worker thread stopped (${this.#dead.message}); nothing more is recorded for run ${this.dir}`);
      }
      return;
    }
    throw new SwanlabError(ErrorCode.NO_RUN, `log(): run ${this.id} is finished; call init() to start a new run`);
  }

  #deathError(): SwanlabError {
    return new SwanlabError(ErrorCode.WORKER_DIED, `swanlab-node's worker thread stopped, so run ${this.dir} cannot be finished: ${this.#dead?.message}`);
  }

  #encoderHost(): EncoderHost {
    const strict = this.#options.strict;
    return {
      strict,
      problem: (p: Problem, dropped: number) => {
        this.#dropped += dropped;
        const tag = `${p.key}\0${p.rule}`;
        if (this.#reported.has(tag)) return;
        this.#reported.add(tag);
        printWarning(`${p.error.message}${dropped > 0 ? ' (dropped; reported once per key and rule)' : ''}`);
      },
      warn: (m: string) => printWarning(m),
      reserveSlow: (bytes: number) => {
        const ring = this.#ring!;
        const link = this.#link!;
        const pos = ring.reserveBlocking(bytes, this.#options.ringFullTimeoutMs, () => link.deadReason === undefined);
        if (pos >= 0) return pos;
        if (link.deadReason) {
          this.#markDead(link.deadReason);
          this.#logClosed();
          return -1;
        }
        throw new SwanlabError(
          ErrorCode.RING_FULL,
          `log(): the worker has not made room in the ring for ${this.#options.ringFullTimeoutMs} ms (ringFullTimeoutMs); nothing of this call was recorded`,
        );
      },
      postBlob: (blob, transfer) => this.#link!.postBlob(blob, transfer),
      closed: () => this.#logClosed(),
    };
  }
}

/** A value log() records: a number (or something converted to one), or media (one, or a list of one class). */
export type LogValue = number | boolean | bigint | string | Media | readonly Media[];

/** What log() takes: metric names to values, nested objects flattened with `/`. */
export interface LogData {
  [key: string]: LogValue | LogData;
}
