/**
 * The chunk checksum of the run file: standard CRC-32 (zlib's, IEEE 802.3, no LevelDB
 * masking) of the type byte followed by the payload. The writer computes one per record,
 * ~1.5 million times a second for ~60-byte payloads, hence a JS path for short inputs.
 */
import zlib from 'node:zlib';

/** CRC-32 of each chunk type byte alone, indexed by type: the seed a chunk's CRC continues from. */
export const CHUNK_CRC_SEED: readonly number[] = [0, 1, 2, 3, 4].map((t) => zlib.crc32(Uint8Array.of(t)));

// Slicing-by-8 tables of the CRC-32 (IEEE, reflected 0xEDB88320) that zlib computes.
const CRC_TABLE = new Int32Array(256 * 8);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[i] = c;
}
for (let i = 0; i < 256; i++) {
  for (let t = 1; t < 8; t++) {
    const prev = CRC_TABLE[(t - 1) * 256 + i]!;
    CRC_TABLE[t * 256 + i] = CRC_TABLE[prev & 0xff]! ^ (prev >>> 8);
  }
}

// Below this many bytes the JS loop wins: `zlib.crc32` costs ~150 ns a call even for 60
// bytes (argument checks, the native call, and a subarray view to pass it), the loop ~40-50 ns
// reading in place. zlib wins from ~250 bytes on. bench/micro/crc32.ts measures both.
const JS_CRC_MAX = 256;

/**
 * `zlib.crc32(buf.subarray(off, off + len), seed)`, computed in JS for short inputs. `view`
 * is a DataView of exactly `buf`'s bytes (the caller keeps one per buffer). The result is an
 * unsigned 32-bit integer.
 */
export function crc32(buf: Uint8Array, view: DataView, off: number, len: number, seed: number): number {
  return len >= JS_CRC_MAX ? zlib.crc32(buf.subarray(off, off + len), seed) : jsCrc32(buf, view, off, len, seed);
}

/**
 * The JS slicing-by-8 CRC-32 at any length (exported for bench/micro/crc32.ts). Each 8 bytes
 * are read as two little-endian words through `view` (a DataView of `buf`) rather than as eight
 * byte loads: for 60-72 bytes at unaligned offsets, as in the frame buffer, ~0-10 % less time
 * on Node 20 and ~15-35 % less on Node 24 (an A/B of the two loops, not kept in the repo).
 */
export function jsCrc32(buf: Uint8Array, view: DataView, off: number, len: number, seed: number): number {
  const t = CRC_TABLE;
  let crc = ~seed;
  let i = off;
  const end = off + len;
  for (const end8 = end - 7; i < end8; i += 8) {
    const a = crc ^ view.getInt32(i, true);
    const b = view.getInt32(i + 4, true);
    crc =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!;
  }
  for (; i < end; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
