/**
 * `Object3D`: a point cloud (`N×3` XYZ, `N×4` XYZ + class, `N×6` XYZRGB) with optional 3-D
 * boxes, stored as SwanLab's `.swanlab.pts.json`; or a `.glb` / `.swanlab.pts.json` path,
 * stored as it is (spec 3). The JSON is written by the worker's pool.
 */
import path from 'node:path';
import { numTypeOf, type Box3D, type NumType } from '../../shared/media.js';
import { describeValue } from '../validate.js';
import { flattenNested, isArrayLike, tensorData, tensorValues } from './arrays.js';
import { HANDOVER, Media, checkCaption, checkOptions, mediaError, type Handover } from './media.js';

/** A 3-D box drawn with the points. */
export interface Box3DInput {
  /** [r, g, b], 0..255. */
  color: readonly number[];
  /** The eight [x, y, z] corners. */
  corners: readonly (readonly number[])[];
  label: string;
  score?: number;
}

/** Options of {@link Object3D}. */
export interface Object3DOptions {
  /** Shown with the object in SwanLab. */
  caption?: string;
  /** Boxes to draw with the points. */
  boxes?: readonly Box3DInput[];
  /** Numbers per point of a flat typed array: 3, 4 or 6 (required with one). */
  columns?: number;
}

/** What {@link Object3D} accepts. */
export type Object3DInput =
  | Object3D
  | string
  | readonly (readonly number[] | ArrayLike<number>)[]
  | Float32Array
  | Float64Array
  | { shape: readonly number[]; dataSync(): ArrayLike<number> }
  | { points: unknown; boxes?: readonly Box3DInput[] };

const CLS = 'object3d' as const;

/**
 * A point cloud or a 3-D model for log(), stored under `media/object3d/`.
 *
 * ```ts
 * new Object3D([[0, 0, 0], [1, 1, 1]]);                       // green points
 * new Object3D(xyzc, { columns: 4 });                          // a flat Float32Array, class colours
 * new Object3D({ points: xyzrgb, boxes: [{ color: [255, 0, 0], corners, label: 'car' }] });
 * new Object3D('scene.glb');
 * ```
 * N×3 points are drawn green; N×4 take the class's colour from SwanLab's 16-colour palette.
 * @throws TypeError / RangeError with code `SWANLAB_INVALID_MEDIA` naming what is wrong.
 */
export class Object3D extends Media {
  constructor(data: Object3DInput, options?: Object3DOptions) {
    const o = checkOptions(CLS, options);
    if (data instanceof Object3D) {
      super(data[HANDOVER](), checkCaption(CLS, o.caption) ?? data.caption);
      return;
    }
    super(object3dHandover(data, o), checkCaption(CLS, o.caption));
  }
}

function object3dHandover(data: unknown, o: Partial<Object3DOptions>): Handover {
  if (typeof data === 'string') {
    if (!/\.(glb|swanlab\.pts\.json)$/i.test(data)) throw mediaError(CLS, `a path must name a .glb or .swanlab.pts.json file, got ${JSON.stringify(data)}`);
    return { cls: CLS, src: { t: 'path', path: path.resolve(data), as: 'object3d' }, parts: [] };
  }
  let boxesInput: unknown = o.boxes;
  if (typeof data === 'object' && data !== null && !isArrayLike(data) && 'points' in data) {
    const d = data as { points: unknown; boxes?: unknown };
    if (d.boxes !== undefined) boxesInput = d.boxes;
    data = d.points;
  }
  const boxes = checkBoxes(boxesInput);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const dtype = numTypeOf(data);
    if (dtype === undefined) throw mediaError(CLS, `unsupported array ${describeValue(data)}; use a numeric typed array`);
    if (o.columns === undefined) throw mediaError(CLS, `a flat ${data.constructor.name} of points needs { columns: 3 | 4 | 6 }`);
    return pointsOf(data, dtype, o.columns, (data as Float32Array).length, boxes);
  }
  if (isArrayLike(data)) {
    const flat = flattenNested(data, 2, Float64Array);
    if (typeof flat === 'string') throw mediaError(CLS, `points must be N rows of 3, 4 or 6 numbers: ${flat}`);
    if (flat.shape.length !== 2) throw mediaError(CLS, 'points must be N rows of 3, 4 or 6 numbers ([[x, y, z], …])', RangeError);
    return pointsOf(flat.data, 'f64', flat.shape[1]!, flat.data.length, boxes);
  }
  const tensor = tensorData(data);
  if (tensor?.now !== undefined) {
    const t = tensorValues(tensor.now);
    if (typeof t === 'string') throw mediaError(CLS, `the tensor is unusable: ${t}`);
    if (tensor.shape.length !== 2) throw mediaError(CLS, `the tensor has shape [${tensor.shape.join(', ')}]; points are [N, 3 | 4 | 6]`, RangeError);
    return pointsOf(t.arr, t.dtype, tensor.shape[1]!, tensor.shape[0]! * tensor.shape[1]!, boxes);
  }
  throw mediaError(CLS, `unsupported input ${describeValue(data)}; pass N×3/4/6 points (arrays, a typed array with columns, a tensor), { points, boxes }, or a .glb path`);
}

function pointsOf(arr: ArrayBufferView, dtype: NumType, columns: unknown, count: number, boxes: Box3D[]): Handover {
  if (columns !== 3 && columns !== 4 && columns !== 6) throw mediaError(CLS, `points must have 3 (XYZ), 4 (XYZ + class) or 6 (XYZRGB) columns, got ${describeValue(columns)}`, RangeError);
  if (count === 0) throw mediaError(CLS, 'no points', RangeError);
  if (count % columns !== 0) throw mediaError(CLS, `${count} numbers do not make rows of ${columns}`, RangeError);
  return { cls: CLS, src: { t: 'points', dtype, columns, boxes }, parts: [arr] };
}

function checkBoxes(boxes: unknown): Box3D[] {
  if (boxes === undefined || boxes === null) return [];
  if (!Array.isArray(boxes)) throw mediaError(CLS, `boxes must be an array, got ${describeValue(boxes)}`);
  return boxes.map((b: unknown, i) => {
    const box = b as Partial<Box3DInput>;
    const where = `boxes[${i}]`;
    if (typeof b !== 'object' || b === null) throw mediaError(CLS, `${where} must be { color, corners, label, score? }, got ${describeValue(b)}`);
    if (!isNumbers(box.color, 3)) throw mediaError(CLS, `${where}.color must be [r, g, b]`);
    if (!Array.isArray(box.corners) || box.corners.length !== 8 || !box.corners.every((c) => isNumbers(c, 3))) {
      throw mediaError(CLS, `${where}.corners must be eight [x, y, z] points`);
    }
    if (typeof box.label !== 'string') throw mediaError(CLS, `${where}.label must be a string, got ${describeValue(box.label)}`);
    if (box.score !== undefined && typeof box.score !== 'number') throw mediaError(CLS, `${where}.score must be a number, got ${describeValue(box.score)}`);
    const out: Box3D = {
      color: [box.color[0]!, box.color[1]!, box.color[2]!],
      corners: box.corners.map((c) => [c[0]!, c[1]!, c[2]!]),
      label: box.label,
    };
    if (box.score !== undefined) out.score = box.score;
    return out;
  });
}

function isNumbers(v: unknown, n: number): v is readonly number[] {
  return isArrayLike(v) && v.length === n && Array.from(v).every((x) => typeof x === 'number');
}
