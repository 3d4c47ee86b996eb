/**
 * Array inputs of the media classes: nested number arrays (`[h][w][c]`, `[n][3]`) and
 * tensor-like objects (tfjs tensors, or anything with a `shape` and `dataSync()`/`data()`),
 * recognised by shape alone so that no tensor library is imported.
 */
import { numTypeOf, type NumType } from '../../shared/media.js';

/** A nested array flattened row-major, with its shape. */
export interface Flat {
  shape: number[];
  data: Float32Array | Float64Array;
}

/** What a tensor-like object gives: its shape and its values now, or a promise of them. */
export interface TensorData {
  shape: number[];
  now?: ArrayBufferView;
  later?: Promise<ArrayBufferView>;
}

/** True for arrays and typed arrays (not strings). */
export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Flatten a rectangular nested array of numbers of at most `maxDepth` levels (rows may be
 * typed arrays). Returns a string saying what is wrong when it is not one.
 */
export function flattenNested(value: ArrayLike<unknown>, maxDepth: number, Out: Float32ArrayConstructor | Float64ArrayConstructor): Flat | string {
  const shape: number[] = [];
  let v: unknown = value;
  while (isArrayLike(v)) {
    shape.push(v.length);
    if (shape.length > maxDepth) return `more than ${maxDepth} levels of nesting`;
    if (v.length === 0) return `an empty array at depth ${shape.length}`;
    v = v[0];
  }
  if (typeof v !== 'number') return `the innermost values must be numbers, found ${typeof v}`;
  let total = 1;
  for (const n of shape) total *= n;
  const data = new Out(total);
  let w = 0;
  const fill = (a: ArrayLike<unknown>, depth: number, path: string): string | undefined => {
    if (a.length !== shape[depth]) return `ragged: ${path || 'the array'} has length ${a.length}, expected ${shape[depth]}`;
    if (depth === shape.length - 1) {
      if (ArrayBuffer.isView(a)) {
        data.set(a as unknown as ArrayLike<number>, w);
        w += a.length;
        return undefined;
      }
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (typeof x !== 'number') return `${path}[${i}] is ${typeof x}, not a number`;
        data[w++] = x;
      }
      return undefined;
    }
    for (let i = 0; i < a.length; i++) {
      const sub = a[i];
      if (!isArrayLike(sub)) return `${path}[${i}] is not an array`;
      const err = fill(sub, depth + 1, `${path}[${i}]`);
      if (err !== undefined) return err;
    }
    return undefined;
  };
  const err = fill(value, 0, '');
  return err ?? { shape, data };
}

/**
 * The shape and values of a tensor-like object: `shape` (or onnxruntime's `dims`) and
 * `dataSync()`, `data()` or a typed-array `data` property. Undefined when `x` is not one.
 */
export function tensorData(x: unknown): TensorData | undefined {
  if (typeof x !== 'object' || x === null || isArrayLike(x)) return undefined;
  const t = x as { shape?: unknown; dims?: unknown; dataSync?: unknown; data?: unknown };
  const shape = Array.isArray(t.shape) ? t.shape : Array.isArray(t.dims) ? t.dims : undefined;
  if (shape === undefined || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const dims = shape.map(Number);
  if (typeof t.dataSync === 'function') return { shape: dims, now: (t.dataSync as () => ArrayBufferView).call(x) };
  if (ArrayBuffer.isView(t.data)) return { shape: dims, now: t.data };
  if (typeof t.data === 'function') {
    const d: unknown = (t.data as () => unknown).call(x);
    if (ArrayBuffer.isView(d)) return { shape: dims, now: d };
    if (d !== null && typeof d === 'object' && typeof (d as Promise<unknown>).then === 'function') {
      return { shape: dims, later: Promise.resolve(d as Promise<ArrayBufferView>) };
    }
  }
  return undefined;
}

/** The NumType of tensor values, with a readable complaint for the rest (bigint, strings). */
export function tensorValues(v: unknown): { arr: ArrayBufferView; dtype: NumType } | string {
  if (!ArrayBuffer.isView(v)) return `its data is ${typeof v}, not a typed array`;
  const dtype = numTypeOf(v);
  return dtype === undefined ? `its data is a ${v.constructor.name}, not a numeric typed array` : { arr: v, dtype };
}

/** The product of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
