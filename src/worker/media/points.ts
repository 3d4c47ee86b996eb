/**
 * Point clouds to SwanLab's `.swanlab.pts.json` (spec 3): `{"version": "0.1", "points":
 * [[x, y, z, r, g, b], …], "boxes": […]}`. XYZ points are green; XYZ + class points take the
 * class's colour from SwanLab's 16-colour palette (class modulo 16).
 */
import { viewAs, type Box3D, type NumType } from '../../shared/media.js';

/** SwanLab's `_LIGHT_COLORS`, as RGB. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  '#528d59', '#587ad2', '#c24d46', '#9cbe5d', '#6ebad3', '#dfb142', '#6d4ba4', '#8cc5b7',
  '#892d58', '#40877c', '#d0703c', '#d47694', '#e3b292', '#b15fbb', '#905f4a', '#989fa3',
].map((h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)] as const);

/** XYZ points' colour. */
const GREEN = '0,255,0';

/** The pts.json text of `bytes` (rows of `columns` numbers of `dtype`) and `boxes`. */
export function pointsJson(bytes: Uint8Array, dtype: NumType, columns: number, boxes: readonly Box3D[]): string {
  const v = viewAs(dtype, bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = v.length / columns;
  const rows: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const o = i * columns;
    const xyz = `${num(v[o]!)},${num(v[o + 1]!)},${num(v[o + 2]!)}`;
    let rgb: string;
    if (columns === 3) rgb = GREEN;
    else if (columns === 4) {
      // numpy's astype(int) truncates; Python's % is never negative.
      const k = Math.trunc(v[o + 3]!);
      const c = PALETTE[Number.isFinite(k) ? ((k % 16) + 16) % 16 : 0]!;
      rgb = `${c[0]},${c[1]},${c[2]}`;
    } else rgb = `${num(v[o + 3]!)},${num(v[o + 4]!)},${num(v[o + 5]!)}`;
    rows[i] = `[${xyz},${rgb}]`;
  }
  return `{"version":"0.1","points":[${rows.join(',')}],"boxes":${JSON.stringify(boxes)}}`;
}

/** JSON has no NaN or Infinity: they become null, as JSON.stringify writes them. */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}
