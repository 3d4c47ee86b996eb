/**
 * The media part of the thread contract: what a MEDIA frame's descriptor says about each item,
 * and the blob messages that carry payloads too large for the ring.
 *
 * MEDIA frame (frames.ts), one per key of a log() call (aux = key id):
 *
 * ```
 *  +8  time   f64    ms since epoch (the worker's clock slot, as SCALARS)
 *  +16 step   f64    explicit step, or IMPLICIT_STEP
 *  +24 blob   u32    0: the payloads follow the descriptor in this frame;
 *                    n: they arrive as MediaBlob n on the media port (larger than the ring)
 *  +28 desc   u32    descriptor bytes
 *  +32 descriptor (msgpack MediaFrameDesc), then the payload area, 8-byte aligned:
 *      each item's bytes at its `off` (relative to the payload area or to the blob)
 * ```
 *
 * The main thread only validates and copies bytes; every conversion (pixels to PNG, samples to
 * WAV, points to JSON), hashing and file writing happens in the worker's encoding pool.
 */

/** The media classes, by the name of their `media/<medium>` folder where it is their own. */
export const MediaClass = {
  IMAGE: 'image',
  AUDIO: 'audio',
  TEXT: 'text',
  ECHARTS: 'echarts',
  OBJECT3D: 'object3d',
  HTML: 'html',
  VIDEO: 'video',
} as const;
/** One of the values of {@link MediaClass}. */
export type MediaClass = (typeof MediaClass)[keyof typeof MediaClass];

/** SwanLab's limit on one stored media file (`RecordBuilder`, spec 2.1): larger items are dropped. */
export const MAX_MEDIA_ITEM_BYTES = 10 * 1024 * 1024;
/** SwanLab's limit on items per key per step (spec 2.1): a longer list is cut. */
export const MAX_MEDIA_ITEMS = 108;

/** Offset of the blob sequence number in a MEDIA frame. */
export const MEDIA_BLOB_OFFSET = 24;
/** Offset of the descriptor length in a MEDIA frame. */
export const MEDIA_DESC_LENGTH_OFFSET = 28;
/** Offset of the descriptor in a MEDIA frame. */
export const MEDIA_DESC_OFFSET = 32;

/** Element type of a typed array payload. */
export type NumType = 'u8' | 'u8c' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';

/** An encoded image format, as found by its magic bytes. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** What an Image is stored as, and at which size. */
export interface ImageOutput {
  /** Output format; absent: PNG for pixels, the input's own format for encoded bytes. */
  fileType?: 'png' | 'jpeg' | 'jpg';
  /** Longest side of a thumbnail (never enlarges). */
  maxSide?: number;
  /** Output width; with only one of width/height, the other keeps the aspect ratio. */
  width?: number;
  /** Output height. */
  height?: number;
}

/** A 3-D box of an Object3D point cloud, as SwanLab stores it. */
export interface Box3D {
  color: [number, number, number];
  /** Eight [x, y, z] corners. */
  corners: number[][];
  label: string;
  score?: number;
}

/** The file kinds a path may name; the pool checks the file's magic bytes. */
export type PathKind = 'image' | 'wav' | 'gif' | 'object3d' | 'html';

/** Where an item's bytes come from and how the pool turns them into the stored file. */
export type MediaSource =
  /** The payload is the file as stored (text, HTML, ECharts JSON, GIF). */
  | { t: 'file'; ext: string }
  /** An encoded image (magic bytes checked on the main thread). */
  | { t: 'encoded'; format: ImageFormat; out: ImageOutput }
  /** Raw pixels, row-major, `channels` interleaved (1 gray, 3 RGB, 4 RGBA). */
  | { t: 'pixels'; dtype: NumType; width: number; height: number; channels: number; out: ImageOutput }
  /** Audio samples: `planar` = channel after channel, else interleaved. */
  | { t: 'samples'; dtype: NumType; channels: number; planar: boolean; sampleRate: number }
  /** Point cloud rows of 3 (XYZ), 4 (XYZ + class) or 6 (XYZRGB) numbers. */
  | { t: 'points'; dtype: NumType; columns: number; boxes: Box3D[] }
  /**
   * A file the pool reads (never the main thread: it is disk I/O). For `html` a path that is
   * not a file is taken as the HTML text itself, as SwanLab does.
   */
  | { t: 'path'; path: string; as: PathKind; out?: ImageOutput };

/** One item of a MEDIA frame. */
export interface MediaItemDesc {
  src: MediaSource;
  caption: string;
  /** Payload offset, 8-aligned, in the frame's payload area or in the blob. */
  off: number;
  /** Payload bytes (0 for a path). */
  len: number;
}

/** The msgpack descriptor of a MEDIA frame. */
export interface MediaFrameDesc {
  cls: MediaClass;
  items: MediaItemDesc[];
}

/**
 * A payload sent on the media port (WorkerInit.mediaPort) because it is larger than the ring
 * can carry, or was not ready when log() returned (a tensor's async `data()`). It is posted
 * before its frame is committed, or, if late, answered with `error` before a finish request,
 * so the worker never waits for a blob that will not come.
 */
export interface MediaBlob {
  seq: number;
  buf?: ArrayBuffer;
  /** The items as they turned out once late data came (the frame's descriptor had to guess). */
  items?: MediaItemDesc[];
  /** Why the payload will not come (the promise rejected, or the process exited first). */
  error?: string;
}

/** Bytes per element of each NumType. */
export const NUM_TYPE_BYTES: Record<NumType, number> = { u8: 1, u8c: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8 };

/** The NumType of a typed array, or undefined for DataView, bigint arrays and anything else. */
export function numTypeOf(a: ArrayBufferView): NumType | undefined {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Uint8ClampedArray) return 'u8c';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int16Array) return 'i16';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int8Array) return 'i8';
  return undefined;
}

/** View `len` bytes at `off` of `buf` (off aligned for the type) as the typed array of `dtype`. */
export function viewAs(dtype: NumType, buf: ArrayBufferLike, off: number, len: number): ArrayLike<number> {
  const n = len / NUM_TYPE_BYTES[dtype];
  switch (dtype) {
    case 'u8':
      return new Uint8Array(buf, off, n);
    case 'u8c':
      return new Uint8ClampedArray(buf, off, n);
    case 'i8':
      return new Int8Array(buf, off, n);
    case 'u16':
      return new Uint16Array(buf, off, n);
    case 'i16':
      return new Int16Array(buf, off, n);
    case 'u32':
      return new Uint32Array(buf, off, n);
    case 'i32':
      return new Int32Array(buf, off, n);
    case 'f32':
      return new Float32Array(buf, off, n);
    case 'f64':
      return new Float64Array(buf, off, n);
  }
}

/** True for the float element types (image values in 0..1 are scaled by 255). */
export function isFloatType(dtype: NumType): boolean {
  return dtype === 'f32' || dtype === 'f64';
}

/** The image format of encoded bytes by their magic, or undefined. */
export function detectImageFormat(b: Uint8Array): ImageFormat | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (isGif(b)) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  return undefined;
}

/** True when the bytes start with `GIF87a` or `GIF89a`. */
export function isGif(b: Uint8Array): boolean {
  if (b.length < 6) return false;
  const head = ascii(b, 0, 6);
  return head === 'GIF87a' || head === 'GIF89a';
}

/** True when the bytes start a RIFF/WAVE file. */
export function isWav(b: Uint8Array): boolean {
  return b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE';
}

/** True when the bytes start a binary glTF (`.glb`) file. */
export function isGlb(b: Uint8Array): boolean {
  return b.length >= 4 && ascii(b, 0, 4) === 'glTF';
}

function ascii(b: Uint8Array, start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** The first bytes of a buffer in hex, for error messages. */
export function hexHead(b: Uint8Array, n = 8): string {
  const out: string[] = [];
  for (let i = 0; i < Math.min(n, b.length); i++) out.push(b[i]!.toString(16).padStart(2, '0'));
  return out.length === 0 ? '(empty)' : out.join(' ');
}
