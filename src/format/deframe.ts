/**
 * The run file's framing (see framing.ts), read side: turns the file into record payloads,
 * verifying every chunk, and stops at the first torn or corrupt byte instead of throwing,
 * as SwanLab's own reader does. A killed writer leaves exactly such a tail.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { RunFileError } from './errors.js';
import { CHUNK_CRC_SEED } from './crc32.js';
import { BLOCK_SIZE, CHUNK_HEADER_SIZE, ChunkType, FILE_HEADER, RUN_FILE_VERSION } from './framing.js';

/** Where and why reading stopped before the end of the file. */
export interface StopInfo {
  /**
   * File offset just past the last complete record: every byte before it is good, so
   * truncating the file here leaves a clean file with the same records.
   */
  offset: number;
  /** What was found there (names the offset of the offending chunk). */
  reason: string;
}

// Whole blocks per read, so that no chunk straddles two reads.
const BLOCKS_PER_READ = 32;

/**
 * Check the first bytes of a file against the run file header. Returns false when they are
 * a proper prefix of a valid header (the file was torn while being created); throws
 * {@link RunFileError} when they cannot be one.
 */
export function checkFileHeader(bytes: Uint8Array, path: string): boolean {
  const n = Math.min(bytes.length, FILE_HEADER.length);
  for (let i = 0; i < Math.min(n, 6); i++) {
    if (bytes[i] !== FILE_HEADER[i]) {
      const found = Buffer.from(bytes.subarray(0, n)).toString('hex');
      throw new RunFileError(path, `${path} is not a SwanLab run file: header ${found}, expected 3a53574cd6e102 (":SWL", magic e1d6)`);
    }
  }
  if (n < FILE_HEADER.length) return false;
  const version = bytes[6]!;
  if (version !== RUN_FILE_VERSION) {
    throw new RunFileError(
      path,
      `Invalid run version ${version} in ${path}: this reader understands version ${RUN_FILE_VERSION} (SwanLab >= 0.8); use a matching SDK version`,
    );
  }
  return true;
}

/**
 * One pass over a run file's payloads. Iterate `payloads()` once; afterwards `stoppedAt`
 * says whether the file ended cleanly.
 */
export class Deframer {
  /** Null after a clean end; set when reading stopped early. */
  stoppedAt: StopInfo | null = null;
  /** File offset of the record most recently yielded. */
  lastStart = 0;
  /** File offset just past the record most recently yielded. */
  lastEnd: number = FILE_HEADER.length;

  constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {}

  /** Yield each record payload (a fresh copy) in file order. */
  *payloads(): Generator<Uint8Array, void, undefined> {
    const slabSize = BLOCK_SIZE * BLOCKS_PER_READ;
    const slab = Buffer.allocUnsafe(slabSize);
    let fileBase = 0; // file offset of slab[0]
    let pending: Uint8Array[] | null = null; // fragments of a record split across blocks
    let pendingStart = 0;
    let pendingBytes = 0;

    while (true) {
      const got = readFully(this.fd, slab, fileBase);
      if (fileBase === 0 && !checkFileHeader(slab.subarray(0, got), this.path)) {
        this.lastEnd = 0;
        return this.stop(`file ends inside the ${FILE_HEADER.length}-byte file header`);
      }
      for (let b = 0; b < got; b += BLOCK_SIZE) {
        const blockLen = Math.min(BLOCK_SIZE, got - b);
        const blockBase = fileBase + b;
        let pos = blockBase === 0 ? FILE_HEADER.length : 0;
        while (pos < blockLen) {
          const at = blockBase + pos;
          const left = BLOCK_SIZE - pos;
          if (left < CHUNK_HEADER_SIZE) {
            for (let i = b + pos; i < b + blockLen; i++) {
              if (slab[i] !== 0) return this.stop(`non-zero byte in block padding at offset ${fileBase + i}`);
            }
            break;
          }
          if (blockLen - pos < CHUNK_HEADER_SIZE) return this.stop(`file ends inside the chunk header at offset ${at}`);
          const h = b + pos;
          const crc = slab.readUInt32LE(h);
          const len = slab.readUInt16LE(h + 4);
          const type = slab[h + 6]!;
          if (type < ChunkType.FULL || type > ChunkType.LAST) return this.stop(`invalid chunk type ${type} at offset ${at}`);
          if (len > left - CHUNK_HEADER_SIZE) {
            return this.stop(`chunk at offset ${at} claims ${len} bytes but its block has room for ${left - CHUNK_HEADER_SIZE}`);
          }
          if (pos + CHUNK_HEADER_SIZE + len > blockLen) return this.stop(`file ends inside the chunk at offset ${at}`);
          const data = slab.subarray(h + CHUNK_HEADER_SIZE, h + CHUNK_HEADER_SIZE + len);
          if (zlib.crc32(data, CHUNK_CRC_SEED[type]) !== crc) return this.stop(`checksum mismatch in the chunk at offset ${at}`);
          pos += CHUNK_HEADER_SIZE + len;

          if (type === ChunkType.FULL || type === ChunkType.FIRST) {
            if (pending !== null) {
              return this.stop(`chunk of type ${type} at offset ${at} inside the record that starts at ${pendingStart}`);
            }
            if (type === ChunkType.FULL) {
              this.lastStart = at;
              this.lastEnd = blockBase + pos;
              yield new Uint8Array(data);
            } else {
              pending = [new Uint8Array(data)];
              pendingStart = at;
              pendingBytes = len;
            }
          } else {
            if (pending === null) return this.stop(`chunk of type ${type} at offset ${at} continues no record`);
            pending.push(new Uint8Array(data));
            pendingBytes += len;
            if (type === ChunkType.LAST) {
              const whole = Buffer.concat(pending, pendingBytes);
              pending = null;
              this.lastStart = pendingStart;
              this.lastEnd = blockBase + pos;
              yield new Uint8Array(whole.buffer, whole.byteOffset, whole.length);
            }
          }
        }
      }
      fileBase += got;
      if (got < slabSize) break;
    }
    if (pending !== null) return this.stop(`file ends inside the record that starts at offset ${pendingStart}`);
    if (fileBase !== this.lastEnd) this.stop(`file ends inside block padding at offset ${this.lastEnd}`);
  }

  private stop(reason: string): void {
    this.stoppedAt = { offset: this.lastEnd, reason };
  }
}

/** Read `buf.length` bytes at `position`, or fewer at the end of the file; returns how many. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = fs.readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
