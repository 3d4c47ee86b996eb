/**
 * Pixel work for Image, in the encoding pool: any numeric input to 8-bit channels, and
 * resizing with an antialiased triangle (bilinear) filter, PIL's BILINEAR in effect.
 */
import { isFloatType, type NumType } from '../../shared/media.js';

/** 8-bit pixels, `channels` interleaved (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Values as 8-bit. Floats that all lie in 0..1 are scaled by 255 (the range tensors and
 * normalised arrays use); other values are rounded and clipped to 0..255; NaN is 0.
 */
export function toU8(values: ArrayLike<number>, dtype: NumType): Uint8Array {
  if (dtype === 'u8' || dtype === 'u8c') {
    const v = values as Uint8Array;
    return new Uint8Array(v.buffer, v.byteOffset, v.length);
  }
  const n = values.length;
  let scale = 1;
  if (isFloatType(dtype)) {
    let unit = true;
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      if (x > 1 || x < 0) {
        unit = false;
        break;
      }
    }
    if (unit) scale = 255;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = Math.round(values[i]! * scale);
    // NaN fails both tests and stays 0.
    out[i] = x >= 255 ? 255 : x > 0 ? x : 0;
  }
  return out;
}

/** Output size for SwanLab's `size` rules (spec 3): max side shrinks only; one side keeps the aspect ratio. */
export function targetSize(width: number, height: number, o: { maxSide?: number; width?: number; height?: number }): { width: number; height: number } {
  if (o.maxSide !== undefined) {
    const side = Math.max(width, height);
    if (side <= o.maxSide) return { width, height };
    const k = o.maxSide / side;
    return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
  }
  if (o.width !== undefined && o.height !== undefined) return { width: o.width, height: o.height };
  if (o.width !== undefined) return { width: o.width, height: Math.max(1, Math.floor((height * o.width) / width)) };
  if (o.height !== undefined) return { width: Math.max(1, Math.floor((width * o.height) / height)), height: o.height };
  return { width, height };
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/** Filter taps mapping `src` samples onto `dst`: a triangle widened by the shrink factor. */
function taps(src: number, dst: number): Taps {
  const scale = src / dst;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 2;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(src, Math.ceil(center + support));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < stride; j++, n++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
      weights[i * stride + n] = w;
      sum += w;
    }
    if (sum === 0) {
      // Only when enlarging at the very edge: take the nearest sample.
      weights[i * stride] = 1;
      sum = 1;
      n = 1;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k]! /= sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

/** Resample to `width` × `height`. */
export function resize(p: Pixels, width: number, height: number): Pixels {
  if (width === p.width && height === p.height) return p;
  const c = p.channels;
  const src = p.data;
  const h = taps(p.width, width);
  const tmp = new Float32Array(width * p.height * c);
  for (let y = 0; y < p.height; y++) {
    const row = y * p.width * c;
    for (let x = 0; x < width; x++) {
      const s = h.start[x]!;
      const n = h.count[x]!;
      const wo = x * h.stride;
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += h.weights[wo + k]! * src[row + (s + k) * c + ch]!;
        tmp[(y * width + x) * c + ch] = acc;
      }
    }
  }
  const v = taps(p.height, height);
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const s = v.start[y]!;
    const n = v.count[y]!;
    const wo = y * v.stride;
    for (let i = 0; i < width * c; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += v.weights[wo + k]! * tmp[(s + k) * width * c + i]!;
      const r = Math.round(acc);
      out[y * width * c + i] = r >= 255 ? 255 : r > 0 ? r : 0;
    }
  }
  return { data: out, width, height, channels: c };
}

/** RGBA for encoders that need it (jpeg-js): gray is spread, a missing alpha is opaque. */
export function toRgba(p: Pixels): Uint8Array {
  if (p.channels === 4) return p.data;
  const n = p.width * p.height;
  const out = new Uint8Array(n * 4);
  const d = p.data;
  const c = p.channels;
  for (let i = 0; i < n; i++) {
    const g = d[i * c]!;
    out[i * 4] = g;
    out[i * 4 + 1] = c >= 3 ? d[i * c + 1]! : g;
    out[i * 4 + 2] = c >= 3 ? d[i * c + 2]! : g;
    out[i * 4 + 3] = c === 2 ? d[i * 2 + 1]! : c === 4 ? d[i * 4 + 3]! : 255;
  }
  return out;
}
