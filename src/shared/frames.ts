/**
 * Frame formats carried by the ring. Every frame starts with an 8-byte header and is a multiple
 * of 8 bytes long, so float64 values inside it are aligned for a Float64Array view:
 *
 * ```
 *  word 0 (u32)      word 1 (u32)
 *  ├─ byteLength ───┼─ kind (8 bits) | aux (24 bits) ─┤ body …
 * ```
 *
 * SCALARS body (the hot path: interned key ids and raw float64 values, no serializer;
 * 47 ns against 230 ns for msgpackr per two-metric call, shared/design.md):
 *
 * ```
 *  +8  time  f64   ms since epoch, copied from the worker's clock slot
 *  +16 step  f64   explicit step, or IMPLICIT_STEP
 *  +24 entries: count × { keyId u32, 0 u32, value f64 }      (aux = count)
 * ```
 *
 * KEY body: `u32 utf8Length` then the UTF-8 bytes of the cleaned key (aux = key id).
 * MESSAGE body: `u32 length` then one msgpack-encoded {@link MainToWorkerMessage}.
 * WRAP: no body; the reader skips to the start of the ring.
 */

/** Kinds of ring frame. */
export const FrameKind = {
  WRAP: 0,
  KEY: 1,
  SCALARS: 2,
  MESSAGE: 3,
} as const;
/** One of the values of {@link FrameKind}. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Bytes of every frame header. */
export const FRAME_HEADER_BYTES = 8;
/** Offset of the time field in a SCALARS frame. */
export const SCALARS_TIME_OFFSET = 8;
/** Offset of the step field in a SCALARS frame. */
export const SCALARS_STEP_OFFSET = 16;
/** Offset of the first entry in a SCALARS frame. */
export const SCALARS_ENTRIES_OFFSET = 24;
/** Bytes of one SCALARS entry. */
export const SCALARS_ENTRY_BYTES = 16;
/** Step value meaning "no step given: the key's largest step + 1". */
export const IMPLICIT_STEP = -1;
/** Largest aux value (key id or entry count) a header can carry. */
export const MAX_AUX = (1 << 24) - 1;

/** Round a byte count up to the 8-byte frame alignment. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of a SCALARS frame with `count` entries. */
export function scalarsFrameBytes(count: number): number {
  return SCALARS_ENTRIES_OFFSET + count * SCALARS_ENTRY_BYTES;
}

/** Bytes of a frame whose body is a u32 length followed by `payloadBytes` bytes. */
export function blobFrameBytes(payloadBytes: number): number {
  return align8(FRAME_HEADER_BYTES + 4 + payloadBytes);
}
