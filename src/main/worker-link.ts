/**
 * The main thread's end of the worker: starting it, the status port, control messages in the
 * ring, and the synchronous exit handshake (synckit's `receiveMessageWithId` pattern: write a
 * request with an id, Atomics.wait on the reply slot with a named timeout, then drain the port
 * with receiveMessageOnPort).
 */
import path from 'node:path';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ErrorCode, SwanlabError, type SerializedError } from '../shared/errors.js';
import { FrameKind, blobFrameBytes } from '../shared/frames.js';
import { Slot, PROTOCOL_VERSION, WorkerState } from '../shared/layout.js';
import type { MediaBlob } from '../shared/media.js';
import type { DoneStatus, MainToWorkerMessage, StartInfo, WorkerInit, WorkerToMainStatus } from '../shared/messages.js';
import type { EnvironmentInit } from '../shared/environment-messages.js';
import { packr } from '../shared/msgpack.js';
import type { RingWriter } from '../shared/ring.js';
import type { UploadInit, UploadStatus } from '../shared/upload-messages.js';

/** Where the worker's compiled entry lives; bundlers can override it with SWANLAB_NODE_WORKER. */
function workerPath(): string {
  return process.env.SWANLAB_NODE_WORKER ?? path.join(__dirname, '..', 'worker', 'index.js');
}

/** Callbacks of a WorkerLink. */
export interface WorkerLinkEvents {
  warn(message: string): void;
  /** The worker stopped for good before the run was finished. */
  died(error: SerializedError): void;
  /** An online run's uploader reported (ready, failed, progress). */
  upload?(status: UploadStatus): void;
}

/** Outcome of a request the worker confirms. */
export type DoneReply = DoneStatus;

/** Owns the Worker, its status port and the request ids. */
export class WorkerLink {
  readonly worker: Worker;
  readonly #port: MessagePort;
  /** Media payloads too large for the ring (never listened to here: it only sends). */
  readonly #mediaPort: MessagePort;
  readonly #ring: RingWriter;
  readonly #events: WorkerLinkEvents;
  readonly #pending = new Map<number, { resolve: (d: DoneReply) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #dead: SerializedError | undefined;
  #done = false;

  constructor(ring: RingWriter, sab: SharedArrayBuffer, runDir: string, start: StartInfo, config: Record<string, unknown>, env: EnvironmentInit, events: WorkerLinkEvents, upload?: UploadInit) {
    this.#ring = ring;
    this.#events = events;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const media = new MessageChannel();
    this.#mediaPort = media.port1;
    const workerData: WorkerInit = { protocolVersion: PROTOCOL_VERSION, sab, statusPort: port2, runDir, start, config, pollMs: 20, env, mediaPort: media.port2, ...(upload ? { upload } : {}) };
    // execArgv: [] keeps the user's loaders (tsx, ts-node) out of our worker, which is plain JS.
    // An 8 MiB young generation: V8 otherwise grows the worker's to 3 × 16 MiB under a fast
    // producer, 15-20 MiB more RSS for no throughput (bench "End to end": RSS growth 38-40 →
    // 18-19 MiB at 10 M points, 4.9 M points/s either way).
    const resourceLimits = { maxYoungGenerationSizeMb: 8 };
    this.worker = new Worker(workerPath(), { workerData, transferList: [port2, media.port2], execArgv: [], name: 'swanlab-node', resourceLimits });
    // Neither end keeps the user's process alive: a script that simply ends reaches
    // beforeExit/exit, and the run finishes there (design.md "Traps").
    this.worker.unref();
    port1.on('message', (m: WorkerToMainStatus) => this.#onStatus(m));
    // After on('message'): adding a 'message' listener refs the port again.
    port1.unref();
    this.worker.on('error', (err) => this.#onDeath({ code: ErrorCode.WORKER_DIED, message: err.message, ...(err.stack ? { stack: err.stack } : {}) }));
    this.worker.on('exit', (code) => {
      if (!this.#done && Atomics.load(ring.ctrl, Slot.STATE) !== WorkerState.FINISHED) this.#onDeath({ code: ErrorCode.WORKER_DIED, message: `the worker thread exited (code ${code}) before the run finished` });
    });
  }

  /** The reason the worker died, or undefined while it is alive. */
  get deadReason(): SerializedError | undefined {
    if (this.#dead === undefined && Atomics.load(this.#ring.ctrl, Slot.STATE) === WorkerState.DEAD) {
      this.#drainPort();
    }
    return this.#dead;
  }

  /** Write a control message into the ring (in order with log() frames) and wake the worker. */
  send(message: MainToWorkerMessage, timeoutMs: number): void {
    const payload = packr.pack(message);
    const bytes = blobFrameBytes(payload.length);
    const ring = this.#ring;
    if (bytes > ring.maxFrameBytes) {
      throw new SwanlabError(ErrorCode.FRAME_TOO_LARGE, `a ${message.t} message of ${payload.length} bytes exceeds the ring (${ring.capacity} bytes); raise ringBytes`);
    }
    let pos = ring.reserve(bytes);
    if (pos < 0) pos = ring.reserveBlocking(bytes, timeoutMs, () => this.deadReason === undefined);
    if (pos < 0) {
      const dead = this.deadReason;
      if (dead) throw new SwanlabError(ErrorCode.WORKER_DIED, `the worker thread stopped: ${dead.message}`);
      throw new SwanlabError(ErrorCode.RING_FULL, `the ring stayed full for ${timeoutMs} ms; the ${message.t} message was not sent`);
    }
    ring.writeBlob(pos, FrameKind.MESSAGE, 0, payload);
    ring.commit(bytes);
    ring.wake();
  }

  /** Send a media payload on the media port; the worker takes it when its MEDIA frame comes up. */
  postBlob(blob: MediaBlob, transfer: ArrayBuffer[]): void {
    this.#mediaPort.postMessage(blob, transfer);
  }

  /** A fresh request id. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Resolve when the worker confirms request `id`; keeps the process alive meanwhile. */
  whenDone(id: number): Promise<DoneReply> {
    if (this.#dead) return Promise.reject(this.#deathError());
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#port.ref();
    });
  }

  /**
   * Block until the worker confirms request `id` (Slot.ACK) or `timeoutMs` passes; then deliver
   * the status messages it sent meanwhile. Returns the reply, or undefined on timeout/death.
   */
  waitDoneSync(id: number, timeoutMs: number): DoneReply | undefined {
    const ctrl = this.#ring.ctrl;
    const deadline = Date.now() + timeoutMs;
    let reply: DoneReply | undefined;
    const onDone = (d: DoneReply) => {
      if (d.id === id) reply = d;
    };
    for (;;) {
      const ack = Atomics.load(ctrl, Slot.ACK);
      if (ack >= id) break;
      if (Atomics.load(ctrl, Slot.STATE) === WorkerState.DEAD) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(ctrl, Slot.ACK, ack, Math.min(left, 100));
      // An online run's drain can take seconds: show its progress and warnings meanwhile.
      this.#drainPort(onDone);
    }
    this.#drainPort(onDone);
    return reply;
  }

  /** The worker finished the run; it will exit by itself. */
  markDone(): void {
    this.#done = true;
    this.#port.unref();
  }

  #drainPort(onDone?: (d: DoneReply) => void): void {
    for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
      const status = m.message as WorkerToMainStatus;
      if (status.t === 'done' && onDone) onDone(status);
      this.#onStatus(status);
    }
  }

  #onStatus(m: WorkerToMainStatus): void {
    switch (m.t) {
      case 'warn':
        this.#events.warn(m.message);
        break;
      case 'done': {
        const p = this.#pending.get(m.id);
        if (p) {
          this.#pending.delete(m.id);
          if (this.#pending.size === 0) this.#port.unref();
          p.resolve(m);
        }
        break;
      }
      case 'fatal':
        this.#onDeath(m.error);
        break;
      case 'online':
      case 'upload-failed':
      case 'upload-progress':
        this.#events.upload?.(m);
        break;
    }
  }

  #deathError(): SwanlabError {
    const e = new SwanlabError(ErrorCode.WORKER_DIED, `swanlab-node's worker thread stopped, so the run cannot be completed: ${this.#dead?.message}`);
    if (this.#dead?.stack) e.stack = `${e.stack}\nCaused by: ${this.#dead.stack}`;
    return e;
  }

  #onDeath(error: SerializedError): void {
    if (this.#dead || this.#done) return;
    this.#dead = error;
    this.#port.unref();
    const err = this.#deathError();
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#events.died(error);
  }
}
