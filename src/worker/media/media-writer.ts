/**
 * Media in the worker. A MEDIA frame takes its key's step when it is drained, in log() order
 * with the scalars; its items then go to the encoding pool (piscina, sized for the machine,
 * started on the first media value), and the drain moves on: encoding never holds up scalars.
 * MediaRecords are written in log() order among themselves, each after its files are on
 * disk, with the key's ColumnRecord before the first. finish waits for all of them.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ColumnType, type MediaItemOptions } from '../../format/index.js';
import { SCALARS_STEP_OFFSET, SCALARS_TIME_OFFSET, align8 } from '../../shared/frames.js';
import {
  MEDIA_BLOB_OFFSET,
  MEDIA_DESC_LENGTH_OFFSET,
  MEDIA_DESC_OFFSET,
  type MediaBlob,
  type MediaClass,
  type MediaFrameDesc,
  type MediaItemDesc,
} from '../../shared/media.js';
import { packr } from '../../shared/msgpack.js';
import type { RingReader } from '../../shared/ring.js';
import type { Metrics } from '../metrics.js';
import type { RunFile } from '../run-file.js';
import { BlobInbox } from './blob-inbox.js';
import type { EncodeResult, EncodeTask } from './encode-task.js';

/** Column type and `media/<medium>` folder of each class (spec 1.5: Video files as IMAGE, in image/). */
const CLASS_INFO: Record<MediaClass, { type: ColumnType; medium: string; name: string }> = {
  image: { type: ColumnType.IMAGE, medium: 'image', name: 'Image' },
  audio: { type: ColumnType.AUDIO, medium: 'audio', name: 'Audio' },
  text: { type: ColumnType.TEXT, medium: 'text', name: 'Text' },
  echarts: { type: ColumnType.ECHARTS, medium: 'echarts', name: 'ECharts' },
  object3d: { type: ColumnType.OBJECT3D, medium: 'object3d', name: 'Object3D' },
  html: { type: ColumnType.HTML, medium: 'html', name: 'Html' },
  video: { type: ColumnType.IMAGE, medium: 'image', name: 'Video' },
};

/**
 * Payload bytes queued for encoding past which the drain loop waits for the pool: memory stays
 * bounded when media come faster than they encode, and the ring passes the wait on to log().
 */
const MAX_BACKLOG_BYTES = 256 << 20;

/** Encoding threads: half the cores, at least 1, at most 4, beside the user's thread and the drain. */
export function poolThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

/** One MediaRecord on its way: step assigned, files being stored. */
interface Entry {
  id: number;
  step: number;
  cls: MediaClass;
  time: number;
  /** Set when every item is stored or dropped. */
  items?: MediaItemOptions[];
}

/** What the writer needs from the worker. */
export interface MediaWriterSetup {
  reader: RingReader;
  metrics: Metrics;
  file: RunFile;
  runDir: string;
  mediaPort: MessagePort;
  warn(message: string): void;
}

/** Stores the media of one run and writes their records. */
export class MediaWriter {
  readonly #s: MediaWriterSetup;
  readonly #inbox: BlobInbox;
  readonly #queue: Entry[] = [];
  readonly #warned = new Set<string>();
  #pool: Piscina<EncodeTask, EncodeResult> | undefined;
  #backlog = 0;
  #idle: (() => void)[] = [];
  #relieved: (() => void)[] = [];

  constructor(setup: MediaWriterSetup) {
    this.#s = setup;
    this.#inbox = new BlobInbox(setup.mediaPort);
  }

  /** True while more payload waits for the pool than MAX_BACKLOG_BYTES. */
  get overloaded(): boolean {
    return this.#backlog > MAX_BACKLOG_BYTES;
  }

  /** Resolves when the backlog is under its bound again. */
  relieved(): Promise<void> {
    return this.overloaded ? new Promise((resolve) => this.#relieved.push(resolve)) : Promise.resolve();
  }

  /** A MEDIA frame of key `id` at ring `offset` (from the drain: synchronous, copies what it keeps). */
  frame(offset: number, id: number): void {
    const { u8, u32, f64 } = this.#s.reader;
    const time = f64[(offset + SCALARS_TIME_OFFSET) >> 3]!;
    const step = this.#s.metrics.mediaStep(id, f64[(offset + SCALARS_STEP_OFFSET) >> 3]!);
    const seq = u32[(offset + MEDIA_BLOB_OFFSET) >> 2]!;
    const descLen = u32[(offset + MEDIA_DESC_LENGTH_OFFSET) >> 2]!;
    const desc = packr.unpack(u8.subarray(offset + MEDIA_DESC_OFFSET, offset + MEDIA_DESC_OFFSET + descLen)) as MediaFrameDesc;
    if (seq === 0) {
      if (step < 0) return;
      const base = offset + align8(MEDIA_DESC_OFFSET + descLen);
      // Copied out of the ring now: its space is reused once this drain returns.
      const parts = desc.items.map((item) => ({ item, buf: u8.slice(base + item.off, base + item.off + item.len).buffer, off: 0 }));
      this.#store(this.#enqueue(id, step, desc.cls, time), parts);
      return;
    }
    const blob = this.#inbox.get(seq);
    // A dropped value's blob is still taken, so it does not wait in the inbox.
    if (step < 0) return;
    const entry = this.#enqueue(id, step, desc.cls, time);
    if (!(blob instanceof Promise)) this.#fromBlob(entry, desc.items, blob);
    else void blob.then((b) => this.#fromBlob(entry, desc.items, b));
  }

  /** Resolves when every media value drained so far has its record written. */
  settle(): Promise<void> {
    this.#inbox.endWaits();
    return this.#queue.length === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stop the pool and the port (after settle). */
  async close(): Promise<void> {
    this.#inbox.close();
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #enqueue(id: number, step: number, cls: MediaClass, time: number): Entry {
    const entry: Entry = { id, step, cls, time };
    this.#queue.push(entry);
    return entry;
  }

  #fromBlob(entry: Entry, frameItems: MediaItemDesc[], blob: MediaBlob): void {
    if (blob.error !== undefined || blob.buf === undefined) {
      this.#warnOnce(entry, 'input', `dropped: ${blob.error ?? 'no data'}`);
      return this.#done(entry, []);
    }
    const items = blob.items ?? frameItems;
    const buf = blob.buf;
    // One item takes the blob as it is; several each get their own copy to transfer.
    const parts = items.length === 1 ? [{ item: items[0]!, buf, off: items[0]!.off }] : items.map((item) => ({ item, buf: buf.slice(item.off, item.off + item.len), off: 0 }));
    this.#store(entry, parts);
  }

  /** Send each item's bytes (`buf` from `off`, transferred) to the pool; write the record when all are back. */
  #store(entry: Entry, parts: { item: MediaItemDesc; buf: ArrayBuffer; off: number }[]): void {
    const pool = (this.#pool ??= new Piscina<EncodeTask, EncodeResult>({
      filename: path.join(__dirname, 'encode-task.js'),
      minThreads: 0,
      maxThreads: poolThreads(),
      idleTimeout: 5_000,
      // The user's loaders (tsx, ts-node) stay out of our threads, as for the worker itself.
      execArgv: [],
    }));
    const dir = path.join(this.#s.runDir, 'media', CLASS_INFO[entry.cls].medium);
    let bytes = 0;
    const stored = parts.map(({ item, buf, off }) => {
      bytes += buf.byteLength;
      const task: EncodeTask = { cls: entry.cls, src: item.src, buf, off, len: item.len, dir, step: entry.step };
      return pool.run(task, { transferList: [buf] }).catch((err: unknown): EncodeResult => ({ ok: false, rule: 'input', reason: String((err as Error)?.message ?? err) }));
    });
    this.#backlog += bytes;
    void Promise.all(stored).then((results) => {
      this.#backlog -= bytes;
      const kept: MediaItemOptions[] = [];
      results.forEach((r, i) => {
        if (r.ok) kept.push({ filename: r.filename, sha256: r.sha256, size: r.size, caption: parts[i]!.item.caption });
        else this.#warnOnce(entry, r.rule, `item ${i} dropped: ${r.reason}`);
      });
      this.#done(entry, kept);
      if (!this.overloaded) for (const resolve of this.#relieved.splice(0)) resolve();
    });
  }

  /** Mark `entry` stored and write every record at the head of the queue that is ready. */
  #done(entry: Entry, items: MediaItemOptions[]): void {
    entry.items = items;
    const q = this.#queue;
    let wrote = false;
    while (q.length > 0 && q[0]!.items !== undefined) {
      const e = q.shift()!;
      if (e.items!.length === 0) continue;
      this.#s.metrics.media(e.id, e.step, CLASS_INFO[e.cls].type, e.items!, e.time);
      wrote = true;
    }
    if (wrote) this.#s.file.flush();
    if (q.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #warnOnce(entry: Entry, rule: string, what: string): void {
    const tag = `${entry.id}\0${rule}`;
    if (this.#warned.has(tag)) return;
    this.#warned.add(tag);
    const key = this.#s.metrics.keyName(entry.id);
    this.#s.warn(`log(): key ${JSON.stringify(key)} step ${entry.step}: ${CLASS_INFO[entry.cls].name} ${what} (reported once per key)`);
  }
}
