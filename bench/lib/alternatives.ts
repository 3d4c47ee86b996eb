/**
 * What swanlab-node's log() is weighed against, set up once per scenario process: the floor
 * (the least a shared-memory logger can do), the W&B JavaScript SDK with networking off,
 * pino's worker-thread transport, worker.postMessage, and fs.writeSync.
 */
import path from 'node:path';
import { Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import { ROOT } from './common.js';

// --- the floor ---------------------------------------------------------------------------

/** Bytes of a SCALARS frame as swanlab-node lays it out (src/shared/frames.ts): 24-byte header, 16 bytes per metric. */
export function floorFrameBytes(metrics: number): number {
  return 24 + 16 * metrics;
}

/** A SharedArrayBuffer ring for a floor writer: a 256-byte control block, then `ringBytes` of data, like swanlab-node's. */
export interface FloorRing {
  ctrl: Int32Array;
  u32: Uint32Array;
  f64: Float64Array;
  /** The control block as float64: slot 16 is the "clock" a real writer copies into each frame. */
  clock: Float64Array;
  ringBytes: number;
}

/**
 * Its pages are mapped up front, as swanlab-node's worker maps its own ring
 * (RingReader.prefault): neither writer takes the page faults of a fresh buffer's first lap.
 */
export function floorRing(ringBytes: number): FloorRing {
  const sab = new SharedArrayBuffer(256 + ringBytes);
  const clock = new Float64Array(sab, 0, 32);
  clock[16] = Date.now();
  const u32 = new Uint32Array(sab, 256);
  for (let offset = 0; offset < ringBytes; offset += 4096) u32[offset >> 2] = 0;
  u32[(ringBytes >> 2) - 1] = 0;
  return { ctrl: new Int32Array(sab, 0, 64), u32, f64: new Float64Array(sab, 256), clock, ringBytes };
}

/**
 * The floor for a record of `keys` (known keys): a writer made once per key list, as
 * swanlab-node compiles one (src/main/shape-writer.ts), that reads each value by name and
 * writes the very frame swanlab-node writes (u32 length, u32 kind|count, f64 time copied from
 * a shared slot, f64 step, then per metric u32 key id, an unused u32, f64 value), then publishes it
 * with one Atomics.store. No validation, no key matching, no check for room (nobody
 * consumes it; it wraps to 0 at the end). For {loss, acc} the generated code is the dozen
 * lines of `floorWrite` in bench/scenarios/per-call.ts.
 */
export function compileFloor(keys: readonly string[], ring: FloorRing): (r: Record<string, number>) => void {
  const bytes = floorFrameBytes(keys.length);
  const body = [`const pos = s.head + ${bytes} > s.ringBytes ? 0 : s.head;`, 'const w = pos >> 2, d = pos >> 3;'];
  body.push(`u32[w] = ${bytes}; u32[w + 1] = ${2 | (keys.length << 8)};`, 'f64[d + 1] = clock[16]; f64[d + 2] = -1;');
  keys.forEach((k, i) => body.push(`u32[w + ${6 + 4 * i}] = ${i}; f64[d + ${4 + 2 * i}] = r[${JSON.stringify(k)}];`));
  body.push(`s.head = pos + ${bytes};`, 'Atomics.store(ctrl, 0, s.head);');
  const make = new Function('u32', 'f64', 'clock', 'ctrl', 's', `return function floorWrite(r) {\n${body.join('\n')}\n};`) as (
    ...a: unknown[]
  ) => (r: Record<string, number>) => void;
  return make(ring.u32, ring.f64, ring.clock, ring.ctrl, { head: 0, ringBytes: ring.ringBytes });
}

/**
 * The floor for a record whose one key was never seen: what any interning logger must do,
 * and no more. A Map miss and insert, the key's UTF-8 bytes encoded straight into the ring
 * (u32 length, u32 kind|id, u32 byte count, bytes, padded to 8), then the one-metric SCALARS
 * frame, and one Atomics.store for both.
 */
export function internFloor(ring: FloorRing): (r: Record<string, number>) => void {
  const { u32, f64, ctrl, clock, ringBytes } = ring;
  const u8 = new Uint8Array(u32.buffer, u32.byteOffset, ringBytes);
  const encoder = new TextEncoder();
  const ids = new Map<string, number>();
  let head = 0;
  return function internFloorWrite(r: Record<string, number>): void {
    for (const k in r) {
      // Room for the key frame (UTF-8 is at most 3 bytes per UTF-16 unit) and the scalars frame.
      if (head + 16 + 3 * k.length + 40 > ringBytes) head = 0;
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
        const len = encoder.encodeInto(k, u8.subarray(head + 12)).written;
        const bytes = (12 + len + 7) & ~7;
        u32[head >> 2] = bytes;
        u32[(head >> 2) + 1] = 1 | (id << 8);
        u32[(head >> 2) + 2] = len;
        head += bytes;
      }
      const w = head >> 2;
      const d = head >> 3;
      u32[w] = 40;
      u32[w + 1] = 2 | (1 << 8);
      f64[d + 1] = clock[16]!;
      f64[d + 2] = -1;
      u32[w + 6] = id;
      f64[d + 4] = r[k]!;
      head += 40;
    }
    Atomics.store(ctrl, 0, head);
  };
}

// --- @wandb/sdk, networking off ----------------------------------------------------------

/** The parts of @wandb/sdk 0.5.1's internals the bench drives (dist/sdk/…, not in its exports map). */
interface WandbSender {
  port: MessagePort;
  queue: { enqueue(m: unknown): void; dequeue(): WandbLogRecord | undefined };
  filestream: { started: number; logHistory(data: unknown, step?: number, commit?: boolean): void };
}
interface WandbLogRecord {
  type: string;
  payload: { data: unknown; step?: number; commit?: boolean };
}
interface WandbRun {
  log(data: Record<string, unknown>, step?: number, commit?: boolean): void;
  finish(code?: number): Promise<void>;
}

/** A W&B run that logs with networking off. */
export interface WandbOffline {
  run: WandbRun;
  /**
   * Do, synchronously, what the SDK's sender does on this same thread for every record
   * run.log() posted: receive it from the MessageChannel, queue it, and hand it to
   * FileStream.logHistory (which merges it into the history and summary rows and
   * JSON-serializes the row; offline, it then drops it instead of uploading). `process`
   * false: receive and discard. Returns the number of records.
   */
  drain(process: boolean): number;
  finish(): Promise<void>;
}

/**
 * @wandb/sdk 0.5.1 has no offline init(): `wandb.init()` always asks the server for the
 * default entity and upserts the run (dist/internal/api.js `ensureDefaultEntity`,
 * `upsertRun`), and WANDB_MODE=offline only stops the file-stream uploads
 * (dist/internal/filestream.js `bufferRecord`). So this builds the run the way init() does,
 * minus those two requests: settings with `offline` set by WANDB_MODE=offline, a Messenger
 * (which creates the in-thread MessageChannel and the Sender on its other end; the SDK's
 * WANDB_WORKER path is dead code in 0.5.1) and a Run on it. `run.log()` is then the SDK's own
 * public method, unchanged. Nothing here opens a socket.
 */
export async function openWandbOffline(): Promise<WandbOffline> {
  process.env.WANDB_MODE = 'offline';
  const dir = path.dirname(require.resolve('@wandb/sdk', { paths: [ROOT] }));
  const sdk = (p: string): Record<string, unknown> => require(path.join(dir, 'dist', p)) as Record<string, unknown>;
  const { settingsWithOverrides } = sdk('sdk/settings.cjs') as { settingsWithOverrides: (o: object) => { offline: boolean } };
  const { Messenger } = sdk('sdk/interface/messenger.cjs') as {
    Messenger: new (settings: object, cb: () => void) => { setupPromise: Promise<void>; sender: WandbSender };
  };
  const { Run } = sdk('sdk/wandb_run.cjs') as { Run: new (project: string, entity: string, id: string, messenger: object, settings: object, name: string) => WandbRun };
  const { debugLog } = sdk('sdk/lib/util.cjs') as { debugLog: (...args: unknown[]) => void };

  const settings = settingsWithOverrides({ apiKey: 'offline-bench', silent: true });
  if (!settings.offline) throw new Error('bench: @wandb/sdk did not take WANDB_MODE=offline');
  const messenger = new Messenger(settings, () => {});
  await messenger.setupPromise;
  const sender = messenger.sender;
  sender.filestream.started = Date.now();
  const run = new Run('swanlab-node-bench', 'bench', 'bench0001', messenger, settings, 'bench');
  const port = sender.port;

  function drain(process: boolean): number {
    let n = 0;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      n++;
      if (!process) continue;
      // Sender.setupPort's listener, then the 'log' case of Sender._thread_body:
      debugLog('sender queued', m.message);
      sender.queue.enqueue(m.message);
      for (let r = sender.queue.dequeue(); r != null; r = sender.queue.dequeue()) {
        if (r.type === 'log') sender.filestream.logHistory(r.payload.data, r.payload.step, r.payload.commit);
      }
    }
    return n;
  }
  return {
    run,
    drain,
    async finish() {
      drain(false);
      await run.finish();
    },
  };
}

// --- pino with its worker-thread transport ------------------------------------------------

export interface PinoTransport {
  logger: pino.Logger;
  /**
   * thread-stream's flushSync(): copy what the logger queued into the shared buffer and wait
   * until the transport's worker has read it. Its default (async) mode queues each line on the
   * main thread and copies the queue in a later event-loop turn, which the bench's
   * synchronous rounds never reach: they call this, untimed, after each batch.
   */
  flushSync(): void;
  close(): Promise<void>;
}

/** `pino(pino.transport({ target: 'pino/file' }))`, default options, once its worker is ready. */
export async function openPino(file: string): Promise<PinoTransport> {
  const transport = pino.transport({ target: 'pino/file', options: { destination: file } }) as ReturnType<typeof pino.transport> & {
    flushSync(): void;
    end(): void;
  };
  await new Promise<void>((resolve, reject) => {
    transport.once('ready', () => resolve());
    transport.once('error', reject);
  });
  const logger = pino(transport);
  return {
    logger,
    flushSync: () => transport.flushSync(),
    close: () =>
      new Promise<void>((resolve) => {
        transport.once('close', () => resolve());
        transport.end();
      }),
  };
}

// --- worker.postMessage to a worker that appends to a file ----------------------------------

export interface PostMessageSink {
  worker: Worker;
  /** Stop the worker once it has written everything; resolves to the number of messages it got. */
  close(): Promise<number>;
}

export function openPostMessageSink(file: string): PostMessageSink {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const fs = require('node:fs');
     const fd = fs.openSync(workerData.file, 'a');
     let lines = [];
     let count = 0;
     parentPort.on('message', (m) => {
       if (m === 'close') {
         if (lines.length) fs.writeSync(fd, lines.join('\\n') + '\\n');
         fs.closeSync(fd);
         parentPort.postMessage(count);
         return;
       }
       count++;
       lines.push(JSON.stringify(m));
       if (lines.length >= 1000) { fs.writeSync(fd, lines.join('\\n') + '\\n'); lines = []; }
     });`,
    { eval: true, workerData: { file }, execArgv: [] },
  );
  return {
    worker,
    async close() {
      const delivered = await new Promise<number>((resolve) => {
        worker.once('message', (count: number) => resolve(count));
        worker.postMessage('close');
      });
      await worker.terminate();
      return delivered;
    },
  };
}
