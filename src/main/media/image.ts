/**
 * `Image`: encoded bytes (PNG, JPEG, GIF, WebP by their magic bytes), a file path, raw pixels
 * with their width and height, nested number arrays `[h][w]` / `[h][w][c]`, or a tensor-like
 * object. The constructor only checks the input and keeps a reference: log() copies it once,
 * and PNG/JPEG encoding, resizing and hashing happen in the worker's pool (spec 3).
 */
import path from 'node:path';
import { detectImageFormat, hexHead, numTypeOf, type ImageOutput, type NumType } from '../../shared/media.js';
import { describeValue } from '../validate.js';
import { flattenNested, isArrayLike, sizeOf, tensorData, tensorValues } from './arrays.js';
import { HANDOVER, Media, checkCaption, checkOptions, checkPositiveInt, mediaError, type Handover } from './media.js';

/** Options of {@link Image}. */
export interface ImageOptions {
  /** Shown with the image in SwanLab. */
  caption?: string;
  /** Width of raw pixel data (a flat typed array); required with it. */
  width?: number;
  /** Height of raw pixel data; required with it. */
  height?: number;
  /** Channels of raw pixel data: 1 (gray), 3 (RGB) or 4 (RGBA). Default: length / (width × height). */
  channels?: number;
  /**
   * Stored format: `png` (default for pixels) or `jpeg`/`jpg`. Encoded input is stored as it
   * is unless `fileType` names another format or `size` asks for a resize.
   */
  fileType?: 'png' | 'jpeg' | 'jpg';
  /**
   * Resize: a number is the longest side of a thumbnail (the image only shrinks);
   * `{ width, height }` is an exact size; with only one of them the other keeps the aspect ratio.
   */
  size?: number | { width?: number; height?: number };
}

/** A tfjs tensor or any object with a `shape` and `dataSync()` / `data()`. */
export interface TensorLike {
  shape: readonly number[];
  dataSync?(): ArrayLike<number>;
  data?(): Promise<ArrayLike<number>> | ArrayLike<number>;
}

/** Numeric typed arrays accepted as pixels. */
export type PixelArray = Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** What {@link Image} accepts. */
export type ImageInput =
  | Image
  | string
  | ArrayBuffer
  | PixelArray
  | readonly (readonly number[] | ArrayLike<number>)[]
  | readonly (readonly (readonly number[] | ArrayLike<number>)[])[]
  | TensorLike;

const CLS = 'image' as const;

/**
 * An image for log(). Stored under `media/image/` as PNG unless `fileType` says otherwise.
 *
 * ```ts
 * new Image(pixels, { width: 28, height: 28, caption: '7' }); // gray, RGB or RGBA by length
 * new Image(fs.readFileSync('cat.jpg'));                      // stored as it is
 * new Image('plots/roc.png', { size: 256 });                  // read and resized in the worker
 * ```
 * Float pixels whose values all lie in 0..1 are scaled by 255; other values are rounded and
 * clipped to 0..255. A path is read by the worker: a missing file is reported there and the
 * item dropped.
 * @throws TypeError / RangeError with code `SWANLAB_INVALID_MEDIA` naming what is wrong.
 */
export class Image extends Media {
  constructor(data: ImageInput, options?: ImageOptions) {
    const o = checkOptions(CLS, options);
    if (data instanceof Image) {
      super(data[HANDOVER](), checkCaption(CLS, o.caption) ?? data.caption);
      return;
    }
    super(imageHandover(data, o), checkCaption(CLS, o.caption));
  }
}

function imageHandover(data: unknown, o: Partial<ImageOptions>): Handover {
  const out = outputOf(o);
  if (typeof data === 'string') {
    if (data.length === 0) throw mediaError(CLS, 'the path is empty');
    return { cls: CLS, src: { t: 'path', path: path.resolve(data), as: 'image', out }, parts: [] };
  }
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const dtype = numTypeOf(data);
    if (dtype === undefined) throw mediaError(CLS, `unsupported array ${describeValue(data)}; use a Uint8Array, Uint8ClampedArray, Float32Array or another numeric typed array`);
    if (o.width === undefined && o.height === undefined) {
      if (dtype !== 'u8') throw mediaError(CLS, `a ${data.constructor.name} of pixels needs { width, height }`);
      return encodedHandover(data as Uint8Array, out);
    }
    const width = checkPositiveInt(CLS, 'width', o.width);
    const height = checkPositiveInt(CLS, 'height', o.height);
    const len = data.byteLength / (data as Uint8Array).BYTES_PER_ELEMENT;
    const channels = o.channels === undefined ? len / (width * height) : checkPositiveInt(CLS, 'channels', o.channels);
    checkChannels(channels, `${len} values for ${width}×${height} pixels`);
    if (len !== width * height * channels) {
      throw mediaError(CLS, `${len} values do not make ${width}×${height} pixels of ${channels} channel${channels === 1 ? '' : 's'} (${width * height * channels} expected)`, RangeError);
    }
    return { cls: CLS, src: { t: 'pixels', dtype, width, height, channels, out }, parts: [data] };
  }
  if (isArrayLike(data)) {
    const flat = flattenNested(data, 3, Float32Array);
    if (typeof flat === 'string') throw mediaError(CLS, `nested arrays must be [height][width] or [height][width][channels] numbers: ${flat}`);
    return pixelsOf(flat.shape, flat.data, 'f32', out, 'the nested arrays');
  }
  const tensor = tensorData(data);
  if (tensor !== undefined) {
    const shape = tensor.shape;
    if (tensor.later !== undefined) {
      const pending = tensor.later.then((values) => {
        const t = tensorValues(values);
        if (typeof t === 'string') throw mediaError(CLS, `the tensor's data() resolved to something else: ${t}`);
        const h = pixelsOf(shape, t.arr, t.dtype, out, 'the tensor');
        return { src: h.src, parts: h.parts };
      });
      // The shape is checked now, the values when they come.
      pixelDims(shape, 'the tensor', sizeOf(shape));
      return { cls: CLS, src: { t: 'file', ext: 'png' }, parts: [], pending };
    }
    const t = tensorValues(tensor.now);
    if (typeof t === 'string') throw mediaError(CLS, `the tensor is unusable: ${t}`);
    return pixelsOf(shape, t.arr, t.dtype, out, 'the tensor');
  }
  throw mediaError(
    CLS,
    `unsupported input ${describeValue(data)}; pass PNG/JPEG/GIF/WebP bytes, a file path, pixels with { width, height }, nested arrays [h][w] or [h][w][c], or a tensor with shape and dataSync()/data()`,
  );
}

function encodedHandover(bytes: Uint8Array, out: ImageOutput): Handover {
  const format = detectImageFormat(bytes);
  if (format === undefined) {
    throw mediaError(CLS, `the bytes are not PNG, JPEG, GIF or WebP (they start ${hexHead(bytes)}); for raw pixels pass { width, height }`);
  }
  const converts = (out.fileType !== undefined && !sameFormat(out.fileType, format)) || hasResize(out);
  if (converts && (format === 'gif' || format === 'webp')) {
    throw mediaError(CLS, `${format.toUpperCase()} images are stored as they are: fileType and size need PNG or JPEG input`);
  }
  return { cls: CLS, src: { t: 'encoded', format, out }, parts: [bytes] };
}

function pixelsOf(shape: readonly number[], arr: ArrayBufferView, dtype: NumType, out: ImageOutput, what: string): Handover {
  const { width, height, channels } = pixelDims(shape, what, arr.byteLength / (arr as Uint8Array).BYTES_PER_ELEMENT);
  return { cls: CLS, src: { t: 'pixels', dtype, width, height, channels, out }, parts: [arr] };
}

/** Height, width and channels of an image shape: [h, w], [h, w, c] or [1, h, w, c]. */
function pixelDims(shape: readonly number[], what: string, count: number): { width: number; height: number; channels: number } {
  let dims = shape;
  if (dims.length === 4 && dims[0] === 1) dims = dims.slice(1);
  if (dims.length !== 2 && dims.length !== 3) {
    throw mediaError(CLS, `${what} has shape [${shape.join(', ')}]; an image is [height, width], [height, width, channels] or [1, height, width, channels]`, RangeError);
  }
  const [height, width] = dims as [number, number];
  const channels = dims.length === 3 ? dims[2]! : 1;
  if (height === 0 || width === 0) throw mediaError(CLS, `${what} has shape [${shape.join(', ')}]: no pixels`, RangeError);
  checkChannels(channels, `${what} has shape [${shape.join(', ')}]`);
  if (count !== height * width * channels) throw mediaError(CLS, `${what} has ${count} values for shape [${shape.join(', ')}]`, RangeError);
  return { width, height, channels };
}

function checkChannels(channels: number, context: string): void {
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw mediaError(CLS, `${context}: channels must be 1 (gray), 3 (RGB) or 4 (RGBA), got ${Number.isInteger(channels) ? channels : channels.toFixed(2)}`, RangeError);
  }
}

function outputOf(o: Partial<ImageOptions>): ImageOutput {
  const out: ImageOutput = {};
  if (o.fileType !== undefined) {
    const ft = typeof o.fileType === 'string' ? o.fileType.toLowerCase() : o.fileType;
    if (ft !== 'png' && ft !== 'jpeg' && ft !== 'jpg') throw mediaError(CLS, `fileType must be 'png', 'jpeg' or 'jpg', got ${describeValue(o.fileType)}`);
    out.fileType = ft;
  }
  const size = o.size;
  if (size === undefined || size === null) return out;
  if (typeof size === 'number') {
    out.maxSide = checkPositiveInt(CLS, 'size', size);
  } else if (typeof size === 'object' && !Array.isArray(size)) {
    if (size.width === undefined && size.height === undefined) throw mediaError(CLS, 'size needs a width, a height or both');
    if (size.width !== undefined) out.width = checkPositiveInt(CLS, 'size.width', size.width);
    if (size.height !== undefined) out.height = checkPositiveInt(CLS, 'size.height', size.height);
  } else {
    throw mediaError(CLS, `size must be a number (longest side) or { width, height }, got ${describeValue(size)}`);
  }
  return out;
}

function hasResize(out: ImageOutput): boolean {
  return out.maxSide !== undefined || out.width !== undefined || out.height !== undefined;
}

function sameFormat(fileType: 'png' | 'jpeg' | 'jpg', format: string): boolean {
  return fileType === format || (fileType === 'jpg' && format === 'jpeg');
}
