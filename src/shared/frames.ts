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
 *  +24 entries: count × { keyId u32, unused u32, value f64 }   (aux = count)
 *
 * The unused word keeps values 8-byte aligned; nobody writes or reads it (one store less per
 * metric on the hot path).
 * ```
 *
 * KEY body: `u32 utf8Length` then the UTF-8 bytes of the cleaned key (aux = key id).
 * MESSAGE body: `u32 length` then one msgpack-encoded {@link MainToWorkerMessage}.
 * MEDIA body: time, step, blob number, then a msgpack descriptor and the item bytes
 * (aux = key id); the layout is in media.ts.
 * WRAP: no body; the reader skips to the start of the ring.
 *
 * CONSOLE body (a raw chunk the process wrote to stdout or stderr; aux = {@link ConsoleStream}):
 *
 * ```
 *  +8  time    f64   ms since epoch, copied from the worker's clock slot
 *  +16 length  u32   bytes of text
 *  +20 text          UTF-8, possibly ending inside a character (the worker decodes per stream)
 * ```
 */

/** Kinds of ring frame. */
export const FrameKind = {
  WRAP: 0,
  KEY: 1,
  SCALARS: 2,
  MESSAGE: 3,
  /** One key's media values of a log() call (layout in media.ts). */
  MEDIA: 4,
  CONSOLE: 5,
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

/** Which stream a CONSOLE frame's text was written to (its aux). */
export const ConsoleStream = {
  STDOUT: 1,
  STDERR: 2,
} as const;
/** One of the values of {@link ConsoleStream}. */
export type ConsoleStream = (typeof ConsoleStream)[keyof typeof ConsoleStream];

/** Offset of the time field in a CONSOLE frame. */
export const CONSOLE_TIME_OFFSET = 8;
/** Offset of the u32 text length in a CONSOLE frame. */
export const CONSOLE_LENGTH_OFFSET = 16;
/** Offset of the text in a CONSOLE frame. */
export const CONSOLE_TEXT_OFFSET = 20;

/** Bytes of a CONSOLE frame carrying `textBytes` bytes of text. */
export function consoleFrameBytes(textBytes: number): number {
  return align8(CONSOLE_TEXT_OFFSET + textBytes);
}
