/**
 * Compiled writers for the key lists log() sees again and again. `for (const k in o) o[k]`
 * boxes every float field it loads (a fresh 16-byte HeapNumber per value: 32 B and a
 * scavenge every ~130 000 two-metric calls, bench "Heap allocated per call"); named loads
 * `o["loss"]` in a function made once per key list read the raw float64 instead
 * (bench/micro/forin-double-boxing.ts: 25.6 ns and 32 B → 9.5 ns and 0 B per call), the way
 * fast-json-stringify compiles a serializer per schema.
 */
import { SCALARS_ENTRIES_OFFSET, SCALARS_ENTRY_BYTES } from '../shared/frames.js';

/**
 * Writes the SCALARS entries of one key list at byte offset `pos` (the frame start) and
 * returns true, or returns false, having written nothing that is published, when a value is
 * not a plain number (the caller then takes the slow path, which converts or reports it).
 */
export type ShapeWrite = (o: Record<string, unknown>, u32: Uint32Array, f64: Float64Array, pos: number) => boolean;

/** One key list, in for-in order, with its writer. */
export interface Shape {
  readonly keys: readonly string[];
  readonly write: ShapeWrite;
}

/** Compile the writer for `keys`, whose interned ids are `ids`. */
export function compileShape(keys: readonly string[], ids: readonly number[]): Shape {
  const lines: string[] = ['const w = pos >> 2, d = pos >> 3;', 'let v;'];
  for (let i = 0; i < keys.length; i++) {
    const word = SCALARS_ENTRIES_OFFSET / 4 + (i * SCALARS_ENTRY_BYTES) / 4;
    const double = SCALARS_ENTRIES_OFFSET / 8 + (i * SCALARS_ENTRY_BYTES) / 8 + 1;
    // JSON string literals are JS string literals: the key cannot escape into the code.
    lines.push(
      `v = o[${JSON.stringify(keys[i])}];`,
      `if (typeof v !== 'number') return false;`,
      `u32[w + ${word}] = ${ids[i]! >>> 0}; u32[w + ${word + 1}] = 0; f64[d + ${double}] = v;`,
    );
  }
  lines.push('return true;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const write = new Function('o', 'u32', 'f64', 'pos', lines.join('\n')) as ShapeWrite;
  return { keys: [...keys], write };
}

/** True when the for-in keys of `o` are exactly `keys`, in order. */
export function hasShape(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const len = keys.length;
  let n = 0;
  for (const k in o) {
    if (n >= len || keys[n] !== k) return false;
    n++;
  }
  return n === len;
}
