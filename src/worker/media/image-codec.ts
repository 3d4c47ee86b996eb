/**
 * PNG and JPEG in the encoding pool: fast-png (pure JS, ESM-only, hence the dynamic import)
 * and jpeg-js (pure JS). Encoded input that needs no conversion is never decoded.
 */
import type * as FastPngModule from 'fast-png' with { 'resolution-mode': 'import' };
import jpeg from 'jpeg-js';
import { viewAs, type ImageFormat, type ImageOutput, type MediaSource } from '../../shared/media.js';
import { resize, targetSize, toRgba, toU8, type Pixels } from './pixels.js';

/** JPEG quality (jpeg-js scale 1-100); PIL's default is 75, a little low for charts and digits. */
const JPEG_QUALITY = 90;

type FastPng = typeof FastPngModule;
let fastPng: Promise<FastPng> | undefined;
function png(): Promise<FastPng> {
  fastPng ??= import('fast-png');
  return fastPng;
}

/** The stored bytes and extension of an Image item. */
export async function storedImage(src: MediaSource & { t: 'encoded' | 'pixels' }, bytes: Uint8Array): Promise<{ bytes: Uint8Array; ext: string }> {
  if (src.t === 'encoded') return fromEncoded(bytes, src.format, src.out);
  const p: Pixels = { data: toU8(viewAs(src.dtype, bytes.buffer, bytes.byteOffset, bytes.byteLength), src.dtype), width: src.width, height: src.height, channels: src.channels };
  return encode(p, src.out, 'png');
}

/** Encoded bytes (a path's or the user's): stored as they are unless a format or size change is asked for. */
export async function fromEncoded(bytes: Uint8Array, format: ImageFormat, out: ImageOutput = {}): Promise<{ bytes: Uint8Array; ext: string }> {
  const resized = out.maxSide !== undefined || out.width !== undefined || out.height !== undefined;
  const sameType = out.fileType === undefined || out.fileType === format || (out.fileType === 'jpg' && format === 'jpeg');
  if (!resized && sameType) return { bytes, ext: out.fileType ?? (format === 'jpeg' ? 'jpg' : format) };
  if (format !== 'png' && format !== 'jpeg') throw new Error(`${format.toUpperCase()} images cannot be converted or resized (PNG and JPEG only)`);
  const p = format === 'png' ? await decodePng(bytes) : decodeJpeg(bytes);
  return encode(p, out, format === 'jpeg' ? 'jpeg' : 'png');
}

async function encode(p: Pixels, out: ImageOutput, fallback: 'png' | 'jpeg'): Promise<{ bytes: Uint8Array; ext: string }> {
  const size = targetSize(p.width, p.height, out);
  const img = resize(p, size.width, size.height);
  const type = out.fileType ?? fallback;
  if (type === 'png') {
    const { encode: encodePng } = await png();
    return { bytes: encodePng({ width: img.width, height: img.height, data: img.data, channels: img.channels, depth: 8 }), ext: 'png' };
  }
  const data = jpeg.encode({ width: img.width, height: img.height, data: toRgba(img) }, JPEG_QUALITY).data;
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ext: type };
}

/** PNG to 8-bit pixels: palettes expanded, 16-bit and sub-byte gray brought to 8 bits. */
export async function decodePng(bytes: Uint8Array): Promise<Pixels> {
  const { decode, convertIndexedToRgb } = await png();
  const d = decode(bytes);
  if (d.palette) {
    const rgb = convertIndexedToRgb(d);
    return { data: rgb, width: d.width, height: d.height, channels: rgb.length / (d.width * d.height) };
  }
  const c = d.channels;
  const n = d.width * d.height * c;
  if (d.depth === 8) return { data: d.data as Uint8Array, width: d.width, height: d.height, channels: c };
  const data = new Uint8Array(n);
  if (d.depth === 16) {
    const src = d.data as Uint16Array;
    for (let i = 0; i < n; i++) data[i] = src[i]! >> 8;
  } else {
    // 1, 2 or 4 bits of gray, rows padded to whole bytes.
    const bits = d.depth;
    const rowBytes = Math.ceil((d.width * bits) / 8);
    const max = (1 << bits) - 1;
    const src = d.data as Uint8Array;
    for (let y = 0; y < d.height; y++) {
      for (let x = 0; x < d.width; x++) {
        const bit = x * bits;
        const v = (src[y * rowBytes + (bit >> 3)]! >> (8 - bits - (bit & 7))) & max;
        data[y * d.width + x] = Math.round((v * 255) / max);
      }
    }
  }
  return { data, width: d.width, height: d.height, channels: c };
}

/** JPEG to RGB pixels. */
export function decodeJpeg(bytes: Uint8Array): Pixels {
  const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return { data: d.data, width: d.width, height: d.height, channels: 3 };
}
