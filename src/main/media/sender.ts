/**
 * Hands one key's media of a log() call to the worker as a MEDIA frame (layout in
 * shared/media.ts). The bytes are copied once: into the ring when the frame fits
 * (ring.maxFrameBytes), otherwise into a fresh ArrayBuffer transferred on the media port with
 * a sequence number, posted before the frame is committed so that the worker finds it when
 * the frame comes up, in log() order. Nothing is encoded here.
 */
import { FrameKind, align8 } from '../../shared/frames.js';
import {
  MEDIA_BLOB_OFFSET,
  MEDIA_DESC_LENGTH_OFFSET,
  MEDIA_DESC_OFFSET,
  type MediaBlob,
  type MediaClass,
  type MediaItemDesc,
  type MediaSource,
} from '../../shared/media.js';
import { packr } from '../../shared/msgpack.js';
import type { RingWriter } from '../../shared/ring.js';
import { HANDOVER, type Media } from './media.js';

/** What the sender needs from its run. */
export interface MediaSenderHost {
  /** Called when the ring has no room: returns an offset, or -1 (worker dead), or throws. */
  reserveSlow(bytes: number): number;
  /** Post a blob on the media port, transferring `transfer`. */
  postBlob(blob: MediaBlob, transfer: ArrayBuffer[]): void;
}

interface Part {
  src: MediaSource;
  parts: readonly ArrayBufferView[];
}

/** Writes MEDIA frames for one run. */
export class MediaSender {
  readonly #ring: RingWriter;
  readonly #host: MediaSenderHost;
  #seq = 0;
  /** Blobs whose data is still coming (tensor data() promises), by sequence number. */
  readonly #late = new Map<number, Promise<void>>();

  constructor(ring: RingWriter, host: MediaSenderHost) {
    this.#ring = ring;
    this.#host = host;
  }

  /** Write the frame of key `keyId`'s `items` (one class, at most 108) at `step`. */
  send(keyId: number, step: number, cls: MediaClass, items: readonly Media[]): void {
    const ring = this.#ring;
    const handovers = items.map((m) => m[HANDOVER]());
    const descs: MediaItemDesc[] = [];
    let off = 0;
    let late = false;
    for (let i = 0; i < handovers.length; i++) {
      const h = handovers[i]!;
      if (h.pending !== undefined) late = true;
      const len = byteLength(h.parts);
      descs.push({ src: h.src, caption: items[i]!.caption ?? '', off, len });
      off = align8(off + len);
    }
    const payloadBytes = off;
    // slice(): packr reuses its buffer, and reserveSlow below may run other code first.
    const desc = packr.pack({ cls, items: descs }).slice();
    const head = align8(MEDIA_DESC_OFFSET + desc.length);
    const inline = !late && head + payloadBytes <= ring.maxFrameBytes;
    const bytes = inline ? head + payloadBytes : head;
    let pos = ring.reserve(bytes);
    if (pos < 0 && (pos = this.#host.reserveSlow(bytes)) < 0) return;
    let seq = 0;
    if (!inline) {
      seq = ++this.#seq;
      if (late) this.#sendLate(seq, handovers, descs);
      else {
        const buf = gather(handovers, descs, payloadBytes);
        this.#host.postBlob({ seq, buf }, [buf]);
      }
    }
    const u32 = ring.u32;
    const w = pos >> 2;
    u32[w] = bytes;
    u32[w + 1] = FrameKind.MEDIA | (keyId << 8);
    ring.f64[(pos >> 3) + 1] = ring.clock();
    ring.f64[(pos >> 3) + 2] = step;
    u32[(pos + MEDIA_BLOB_OFFSET) >> 2] = seq;
    u32[(pos + MEDIA_DESC_LENGTH_OFFSET) >> 2] = desc.length;
    const u8 = ring.u8;
    u8.set(desc, pos + MEDIA_DESC_OFFSET);
    if (inline) {
      const base = pos + head;
      for (let i = 0; i < handovers.length; i++) copyParts(u8, base + descs[i]!.off, handovers[i]!.parts);
    }
    ring.commit(bytes);
  }

  /**
   * Resolve once every late blob is posted (finish() waits for them), or after `timeoutMs`,
   * when the ones still missing are given up as at exit: a data() that never settles must not
   * hold finish() forever.
   */
  async settle(timeoutMs: number): Promise<void> {
    if (this.#late.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    // Ref'd on purpose: the user awaits finish(), so the process waits for the data that long.
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const all = (async () => {
      while (this.#late.size > 0) await Promise.allSettled([...this.#late.values()]);
    })();
    await Promise.race([all, expired]);
    clearTimeout(timer);
    this.abandonLate();
  }

  /**
   * The process is exiting and cannot wait: tell the worker that the late blobs will not come,
   * so it does not wait for them before the FinishRecord.
   */
  abandonLate(): void {
    for (const seq of this.#late.keys()) {
      this.#host.postBlob({ seq, error: "the run finished before the tensor's data() resolved" }, []);
    }
    this.#late.clear();
  }

  #sendLate(seq: number, handovers: ReturnType<Media[typeof HANDOVER]>[], descs: MediaItemDesc[]): void {
    const ready: Promise<Part>[] = handovers.map((h) => h.pending ?? Promise.resolve({ src: h.src, parts: h.parts }));
    const done = Promise.all(ready).then(
      (parts) => {
        if (!this.#late.has(seq)) return; // abandoned at exit
        this.#late.delete(seq);
        const items: MediaItemDesc[] = [];
        let off = 0;
        for (let i = 0; i < parts.length; i++) {
          const len = byteLength(parts[i]!.parts);
          items.push({ src: parts[i]!.src, caption: descs[i]!.caption, off, len });
          off = align8(off + len);
        }
        const buf = gather(parts, items, off);
        this.#host.postBlob({ seq, buf, items }, [buf]);
      },
      (err: unknown) => {
        if (!this.#late.has(seq)) return;
        this.#late.delete(seq);
        this.#host.postBlob({ seq, error: `the data could not be read: ${err instanceof Error ? err.message : String(err)}` }, []);
      },
    );
    this.#late.set(seq, done);
  }
}

function byteLength(parts: readonly ArrayBufferView[]): number {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}

function copyParts(dst: Uint8Array, at: number, parts: readonly ArrayBufferView[]): void {
  for (const p of parts) {
    dst.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
}

/**
 * Copy every item's parts into one new buffer at their offsets (the one copy of a large item).
 * allocUnsafeSlow: a buffer of its own (transferable) that is not zero-filled first, which
 * would be a second pass over up to hundreds of MiB.
 */
function gather(items: readonly Part[], descs: readonly MediaItemDesc[], total: number): ArrayBuffer {
  const u8 = Buffer.allocUnsafeSlow(total);
  const buf = u8.buffer as ArrayBuffer;
  for (let i = 0; i < items.length; i++) copyParts(u8, descs[i]!.off, items[i]!.parts);
  return buf;
}
