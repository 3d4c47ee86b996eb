/**
 * Reading a run file while it grows: each call returns the records completed since the last
 * one, and an incomplete tail is simply "not yet" instead of the end. The online uploader
 * follows the file its worker writes (so the file, not the heap, holds whatever the network
 * has not taken yet), and `sync` reads a finished or killed run the same way. Chunks are
 * verified as in deframe.ts; a complete chunk that fails its check stops the follower.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { CHUNK_CRC_SEED } from './crc32.js';
import { readFully, checkFileHeader, type StopInfo } from './deframe.js';
import { RunFileError } from './errors.js';
import { BLOCK_SIZE, CHUNK_HEADER_SIZE, ChunkType, FILE_HEADER } from './framing.js';
import { decodeRecord, type RunRecord } from './reader.js';

const READ_BYTES = 1 << 20;

/** One complete record: its payload and the file offset just past it. */
export interface FollowedPayload {
  payload: Uint8Array;
  end: number;
}

/** A reader that picks up where it left off. */
export class RunFileFollower {
  /** The run file. */
  readonly path: string;
  /** Set when a damaged chunk (or, after `final` reads, a torn tail) ended the records. */
  stoppedAt: StopInfo | null = null;
  #fd: number;
  #pos = 0;
  #buf: Buffer = Buffer.allocUnsafe(READ_BYTES);

  constructor(file: string) {
    this.path = file;
    this.#fd = fs.openSync(file, 'r');
  }

  /** File offset just past the last record returned. */
  get offset(): number {
    return this.#pos;
  }

  /** The file's current size in bytes. */
  size(): number {
    return fs.fstatSync(this.#fd).size;
  }

  /**
   * Up to `max` records completed since the last call, decoded; [] when there are none yet.
   * With `final` (the writer is done) an incomplete tail sets {@link stoppedAt}.
   */
  read(max: number, final = false): RunRecord[] {
    const out: RunRecord[] = [];
    for (const p of this.readPayloads(max, final)) {
      try {
        out.push(decodeRecord(p.payload));
      } catch (err) {
        // Nothing after a record we cannot read is trusted, as in RunReader.
        this.stoppedAt = { offset: p.end, reason: `undecodable record ending at offset ${p.end}: ${(err as Error).message}` };
        break;
      }
    }
    return out;
  }

  /** As {@link read}, without decoding. */
  readPayloads(max: number, final = false): FollowedPayload[] {
    const out: FollowedPayload[] = [];
    if (this.stoppedAt !== null || max <= 0) return out;
    if (this.#pos === 0 && !this.#readHeader(final)) return out;
    for (;;) {
      const base = this.#pos;
      const n = readFully(this.#fd, this.#buf, base);
      const result = this.#parse(base, n, max - out.length, out, final);
      if (result === 'done' || out.length >= max) return out;
      // 'short': the window ended inside a record. A full window that held no whole record
      // means a record larger than it: read again with a bigger window.
      if (n === this.#buf.length && this.#pos === base) {
        this.#buf = Buffer.allocUnsafe(this.#buf.length * 2);
        continue;
      }
      if (n < this.#buf.length) {
        if (final && this.#pos < base + n && !this.#onlyPadding(base + n)) {
          this.stoppedAt = { offset: this.#pos, reason: `file ends inside the record that starts at offset ${this.#pos}` };
        }
        return out;
      }
    }
  }

  /** Records complete in the file beyond the read position (counted, not decoded or checked). */
  countAhead(): number {
    if (this.stoppedAt !== null) return 0;
    let pos = Math.max(this.#pos, FILE_HEADER.length);
    const size = this.size();
    const head = Buffer.allocUnsafe(CHUNK_HEADER_SIZE);
    let count = 0;
    while (pos < size) {
      const left = BLOCK_SIZE - (pos % BLOCK_SIZE);
      if (left < CHUNK_HEADER_SIZE) {
        pos += left;
        continue;
      }
      if (fs.readSync(this.#fd, head, 0, CHUNK_HEADER_SIZE, pos) < CHUNK_HEADER_SIZE) break;
      const len = head.readUInt16LE(4);
      const type = head[6]!;
      if (type < ChunkType.FULL || type > ChunkType.LAST || pos + CHUNK_HEADER_SIZE + len > size) break;
      if (type === ChunkType.FULL || type === ChunkType.LAST) count++;
      pos += CHUNK_HEADER_SIZE + len;
    }
    return count;
  }

  /** Close the file. */
  close(): void {
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = -1;
  }

  #readHeader(final: boolean): boolean {
    const head = Buffer.alloc(FILE_HEADER.length);
    const got = fs.readSync(this.#fd, head, 0, head.length, 0);
    try {
      if (!checkFileHeader(head.subarray(0, got), this.path)) {
        if (final) this.stoppedAt = { offset: 0, reason: `file ends inside the ${FILE_HEADER.length}-byte file header` };
        return false;
      }
    } catch (err) {
      if (err instanceof RunFileError) {
        this.stoppedAt = { offset: 0, reason: err.message };
        return false;
      }
      throw err;
    }
    this.#pos = FILE_HEADER.length;
    return true;
  }

  /**
   * Parse chunks in buf[0, n) (file offsets base…): push whole records, advance #pos past
   * each. 'done' when `max` records were taken or a damaged chunk stopped the follower;
   * 'short' when the window ends inside a record.
   */
  #parse(base: number, n: number, max: number, out: FollowedPayload[], final: boolean): 'done' | 'short' {
    const buf = this.#buf;
    const end = base + n;
    let at = base;
    let fragments: Uint8Array[] | null = null;
    let taken = 0;
    const stop = (reason: string): 'done' => {
      this.stoppedAt = { offset: this.#pos, reason };
      return 'done';
    };
    while (taken < max) {
      const left = BLOCK_SIZE - (at % BLOCK_SIZE);
      if (left < CHUNK_HEADER_SIZE) {
        if (at + left > end) return 'short';
        for (let i = at; i < at + left; i++) if (buf[i - base] !== 0) return stop(`non-zero byte in block padding at offset ${i}`);
        at += left;
        continue;
      }
      if (at + CHUNK_HEADER_SIZE > end) return 'short';
      const h = at - base;
      const crc = buf.readUInt32LE(h);
      const len = buf.readUInt16LE(h + 4);
      const type = buf[h + 6]!;
      if (type < ChunkType.FULL || type > ChunkType.LAST) {
        // A writer in another process may be mid-write: only a final read calls it damage.
        return final || at + CHUNK_HEADER_SIZE + len <= end ? stop(`invalid chunk type ${type} at offset ${at}`) : 'short';
      }
      if (len > left - CHUNK_HEADER_SIZE) return stop(`chunk at offset ${at} claims ${len} bytes but its block has room for ${left - CHUNK_HEADER_SIZE}`);
      if (at + CHUNK_HEADER_SIZE + len > end) return 'short';
      const data = buf.subarray(h + CHUNK_HEADER_SIZE, h + CHUNK_HEADER_SIZE + len);
      if (zlib.crc32(data, CHUNK_CRC_SEED[type]) !== crc) return stop(`checksum mismatch in the chunk at offset ${at}`);
      at += CHUNK_HEADER_SIZE + len;
      if (type === ChunkType.FULL || type === ChunkType.FIRST) {
        if (fragments !== null) return stop(`chunk of type ${type} at offset ${at} inside a record`);
        if (type === ChunkType.FIRST) {
          fragments = [new Uint8Array(data)];
          continue;
        }
        out.push({ payload: new Uint8Array(data), end: at });
      } else {
        if (fragments === null) return stop(`chunk of type ${type} at offset ${at} continues no record`);
        fragments.push(new Uint8Array(data));
        if (type !== ChunkType.LAST) continue;
        const whole = Buffer.concat(fragments);
        fragments = null;
        out.push({ payload: new Uint8Array(whole.buffer, whole.byteOffset, whole.length), end: at });
      }
      this.#pos = at;
      taken++;
    }
    return 'done';
  }

  /** True when the bytes from #pos to `end` are block padding (zeros to a block end). */
  #onlyPadding(end: number): boolean {
    const left = BLOCK_SIZE - (this.#pos % BLOCK_SIZE);
    if (left >= CHUNK_HEADER_SIZE || end - this.#pos > left) return false;
    const b = Buffer.alloc(end - this.#pos);
    fs.readSync(this.#fd, b, 0, b.length, this.#pos);
    return b.every((x) => x === 0);
  }
}
