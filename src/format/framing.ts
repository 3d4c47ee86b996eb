/**
 * The run file's LevelDB-style log framing (spec 1.2), write side.
 *
 * ```
 * file:   [ 3a 53 57 4c d6 e1 02 ] ":SWL", magic 0xE1D6 (u16 LE), version 2
 * blocks: 32768 bytes each; the file header takes the first 7 bytes of block 0
 * chunk:  [ crc32 u32 LE | length u16 LE | type u8 ] payload
 *         crc32 = zlib CRC-32 of (type byte || payload), no LevelDB masking
 *         type  = 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (a record too big for the room left in
 *                 its block is split; chunks never cross a block boundary)
 * pad:    when fewer than 7 bytes remain in a block, they are zero-filled and the next chunk
 *         starts the next block (padding is written only when another record follows)
 * ```
 */
import fs from 'node:fs';
import { CHUNK_CRC_SEED, crc32 } from './crc32.js';
import { encodeScalarRecordAt, SCALAR_RECORD_OVERHEAD } from './encode.js';

/** Size of a framing block. */
export const BLOCK_SIZE = 32768;
/** Size of a chunk header (crc32 u32, length u16, type u8). */
export const CHUNK_HEADER_SIZE = 7;
/** The 7-byte file header: ident ":SWL", magic 0xE1D6 little-endian, version 2. */
export const FILE_HEADER = Uint8Array.of(0x3a, 0x53, 0x57, 0x4c, 0xd6, 0xe1, 0x02);
/** The run file version this module reads and writes (SwanLab >= 0.8). */
export const RUN_FILE_VERSION = 2;

/** Chunk types. */
export const ChunkType = { FULL: 1, FIRST: 2, MIDDLE: 3, LAST: 4 } as const;
/** One of the values of {@link ChunkType}. */
export type ChunkType = (typeof ChunkType)[keyof typeof ChunkType];

const INITIAL_CAPACITY = 1 << 20;

/**
 * Frames records into a growable in-memory buffer. It knows the file position modulo the
 * block size, so it must see every byte of the file from its start.
 */
class FrameBuffer {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** A DataView of exactly `buf`, for the CRC's word loads; replaced with it. */
  view = viewOf(this.buf);
  length = 0;
  /** Position within the current block of the next byte, over the whole file. */
  private blockOffset = 0;

  constructor() {
    this.buf.set(FILE_HEADER, 0);
    this.length = FILE_HEADER.length;
    this.blockOffset = FILE_HEADER.length;
  }

  /** Frame payload[0, length) as one record. */
  append(payload: Uint8Array, length: number): void {
    if (length > payload.length) throw new RangeError(`length ${length} exceeds the payload's ${payload.length} bytes`);
    // Worst case: padding, one header per block touched, and one more for a fragment that
    // lands exactly at a block start.
    const need = length + CHUNK_HEADER_SIZE * (Math.ceil(length / (BLOCK_SIZE - CHUNK_HEADER_SIZE)) + 2);
    if (this.length + need > this.buf.length) this.grow(this.length + need);
    const buf = this.buf;
    let pos = this.length;
    let blockOffset = this.blockOffset;

    let left = BLOCK_SIZE - blockOffset;
    if (left < CHUNK_HEADER_SIZE) {
      buf.fill(0, pos, pos + left);
      pos += left;
      blockOffset = 0;
      left = BLOCK_SIZE;
    }
    if (length + CHUNK_HEADER_SIZE <= left) {
      // The hot case: the whole record fits in this block.
      pos = writeChunk(buf, this.view, pos, ChunkType.FULL, payload, 0, length);
      blockOffset += CHUNK_HEADER_SIZE + length;
    } else {
      // Fragments: FIRST fills the rest of this block (with 0 bytes when exactly a header's
      // worth is left, as LevelDB and SwanLab do), MIDDLEs fill whole blocks, LAST ends it.
      // The first chunk is never the last: the record did not fit.
      let done = 0;
      for (let first = true; ; first = false) {
        const n = Math.min(BLOCK_SIZE - blockOffset - CHUNK_HEADER_SIZE, length - done);
        const last = done + n === length;
        pos = writeChunk(buf, this.view, pos, first ? ChunkType.FIRST : last ? ChunkType.LAST : ChunkType.MIDDLE, payload, done, n);
        done += n;
        // After a FIRST or MIDDLE the block is full, so the next chunk starts a new one.
        blockOffset = (blockOffset + CHUNK_HEADER_SIZE + n) % BLOCK_SIZE;
        if (last && !first) break;
      }
    }
    this.length = pos;
    this.blockOffset = blockOffset;
  }

  /** Encode a scalar record in place and frame it (see RunFileWriter.appendScalar). */
  appendScalar(num: number, keyField: Uint8Array, step: number, timeMs: number, value: number, keyWords?: Int32Array): void {
    const max = keyField.length + SCALAR_RECORD_OVERHEAD;
    if (this.length + max + 2 * CHUNK_HEADER_SIZE > this.buf.length) this.grow(this.length + max + 2 * CHUNK_HEADER_SIZE);
    const buf = this.buf;
    let pos = this.length;
    let left = BLOCK_SIZE - this.blockOffset;
    if (left < CHUNK_HEADER_SIZE) {
      // Padding would go here; it is written only once the record is known to fit.
      pos += left;
      left = BLOCK_SIZE;
    }
    const body = pos + CHUNK_HEADER_SIZE;
    // Encode in place, past the buffered bytes: no copy and no view when it fits.
    const n = encodeScalarRecordAt(buf, body, num, keyField, step, timeMs, value, keyWords);
    if (n + CHUNK_HEADER_SIZE > left) {
      // It straddles a block boundary (a few records per block): frame a copy the slow way.
      this.append(new Uint8Array(buf.subarray(body, body + n)), n);
      return;
    }
    if (pos !== this.length) buf.fill(0, this.length, pos);
    writeHeader(buf, pos, ChunkType.FULL, crc32(buf, this.view, body, n, CHUNK_CRC_SEED[ChunkType.FULL]!), n);
    this.length = body + n;
    this.blockOffset = left === BLOCK_SIZE ? CHUNK_HEADER_SIZE + n : this.blockOffset + CHUNK_HEADER_SIZE + n;
  }

  /** Drop the first `n` buffered bytes (they were written out); shrink after a huge record. */
  consume(n: number): void {
    if (n < this.length) {
      this.buf.copy(this.buf, 0, n, this.length);
      this.length -= n;
      return;
    }
    this.length = 0;
    if (this.buf.length > 16 * INITIAL_CAPACITY) this.setBuffer(Buffer.allocUnsafe(INITIAL_CAPACITY));
  }

  private grow(required: number): void {
    let cap = this.buf.length * 2;
    while (cap < required) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.length);
    this.setBuffer(next);
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.view = viewOf(buf);
  }
}

/** Write the chunk holding payload[from, from + len) at `pos`; return the position after it. */
function writeChunk(buf: Buffer, view: DataView, pos: number, type: ChunkType, payload: Uint8Array, from: number, len: number): number {
  const body = pos + CHUNK_HEADER_SIZE;
  // As in encode.ts: a byte loop for tiny payloads, `set` (which needs a view of exactly
  // the bytes to copy) otherwise.
  if (len <= 16) {
    for (let i = 0; i < len; i++) buf[body + i] = payload[from + i]!;
  } else {
    buf.set(from === 0 && len === payload.length ? payload : payload.subarray(from, from + len), body);
  }
  // The CRC is taken over the copy, so a short payload needs no subarray view at all.
  writeHeader(buf, pos, type, crc32(buf, view, body, len, CHUNK_CRC_SEED[type]!), len);
  return body + len;
}

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function writeHeader(buf: Buffer, pos: number, type: ChunkType, crc: number, len: number): void {
  buf[pos] = crc & 0xff;
  buf[pos + 1] = (crc >>> 8) & 0xff;
  buf[pos + 2] = (crc >>> 16) & 0xff;
  buf[pos + 3] = crc >>> 24;
  buf[pos + 4] = len & 0xff;
  buf[pos + 5] = len >>> 8;
  buf[pos + 6] = type;
}

/**
 * Append-only writer of a run file, used by the worker. Records are framed into memory by
 * `append` and reach the file only on `flush`/`sync`/`close`, so the caller decides how often
 * to pay for a write (the design flushes within ~100 ms of a log() call).
 */
export class RunFileWriter {
  readonly #frames = new FrameBuffer();
  #fd: number;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Create the run file at `path` (fails if it exists, as SwanLab's "xb") with the header buffered. */
  static create(path: string): RunFileWriter {
    return new RunFileWriter(fs.openSync(path, 'wx'));
  }

  /**
   * Frame one record payload: its first `length` bytes (default: all of it). Passing a
   * reused scratch buffer with a length avoids allocating a view per record.
   */
  append(payload: Uint8Array, length: number = payload.length): void {
    this.#frames.append(payload, length);
  }

  /**
   * Encode and frame one scalar record (see `encodeScalarRecord`) straight into the frame
   * buffer: the worker's hot path, cheaper than `encodeScalarRecord` + `append`. Throws
   * RangeError, writing nothing, for a non-integer num/step or a non-finite time.
   */
  appendScalar(num: number, keyField: Uint8Array, step: number, timeMs: number, value: number, keyWords?: Int32Array): void {
    this.#frames.appendScalar(num, keyField, step, timeMs, value, keyWords);
  }

  /** Bytes framed but not yet written to the file. */
  get bufferedBytes(): number {
    return this.#frames.length;
  }

  /** Write every buffered byte to the file (no fsync). */
  flush(): void {
    const frames = this.#frames;
    if (this.#fd < 0) throw new Error('RunFileWriter is closed');
    let off = 0;
    try {
      while (off < frames.length) off += fs.writeSync(this.#fd, frames.buf, off, frames.length - off);
    } finally {
      // After a failed write (ENOSPC…) keep only what did not reach the file, so a retry
      // neither loses nor duplicates a byte.
      frames.consume(off);
    }
  }

  /** Flush, then fsync so the records survive a power loss. */
  sync(): void {
    this.flush();
    fs.fsyncSync(this.#fd);
  }

  /** Sync and close the file (closed even when the sync throws). Closing twice is a no-op. */
  close(): void {
    if (this.#fd < 0) return;
    try {
      this.sync();
    } finally {
      fs.closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

/** The bytes of a whole run file holding `payloads` in order (for tests and tools). */
export function frameRecords(payloads: Iterable<Uint8Array>): Buffer {
  const frames = new FrameBuffer();
  for (const p of payloads) frames.append(p, p.length);
  return Buffer.from(frames.buf.subarray(0, frames.length));
}
