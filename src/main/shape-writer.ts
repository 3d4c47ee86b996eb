/**
 * Compiled log() for the key lists a program logs again and again: one function per key list
 * that checks the record has exactly those keys, reserves the frame, writes each value by a
 * named load and commits. Named loads `o["loss"]` read the raw float64, where
 * `for (const k in o) o[k]` boxes every float field it loads (a fresh 16-byte HeapNumber per
 * value: bench/micro/forin-double-boxing.ts, 25.6 ns and 32 B → 9.5 ns and 0 B per call);
 * one function for the whole call, with the frame size and key ids as constants, saves the
 * calls and loads a shared writer pays (bench/micro/log-breakdown.ts). The way
 * fast-json-stringify compiles a serializer per schema.
 *
 * What fits V8's inlining budget. In the user's loop TurboFan inlines the chain api.ts log →
 * Run.log → LogEncoder.log → logShape → RingWriter.reserve/clock/commitLazy by bytecode size:
 * 920 bytes in all per optimized function, each candidate counted at 1.2x, and a candidate
 * that has optimized code of its own counted with what that code inlined; no one function
 * over 460 bytes. logShape always has such code by the time the loop is optimized for good,
 * so for 4 metrics the chain used to count 166 + 1.2 × (431 + 199) = 922 and logShape was
 * called, not inlined (12 processes of 12 in the bench's tight loop, --trace-turbo-inlining),
 * which cost ~10 ns a call: 28.1 against 16.7 ns, +0.95 against +0.53 % of the loop (26
 * processes each, old and new builds alternating, Node 20). Now 124 + 1.2 × (439 + 162) = 845:
 * `Slot` is a const enum (layout.ts) and LogEncoder.log calls #logChecked once.
 * test/inlining.test.ts keeps it so. logShape is 203 bytes plus 59 a key with the switch key
 * check (up to 4 keys), 222 plus 41 with the array one, so a record of 6 metrics or more
 * passes the 460-byte limit and is called.
 */
import { FrameKind, IMPLICIT_STEP, SCALARS_ENTRIES_OFFSET, SCALARS_ENTRY_BYTES, scalarsFrameBytes } from '../shared/frames.js';
import type { RingWriter } from '../shared/ring.js';

/**
 * Logs `o` at `step` (a checked step; undefined or IMPLICIT_STEP for the implicit one) and
 * returns true, or returns false, having published nothing, when `o` does not have exactly
 * this key list or holds a value that is not a plain number (the caller then takes the slow
 * path, which converts or reports it).
 */
export type ShapeLog = (o: object, step: number | undefined) => boolean;

/** One key list, in for-in order, with its compiled log(). */
export interface Shape {
  readonly keys: readonly string[];
  readonly log: ShapeLog;
}

/**
 * When the ring has no room: blocks, then returns an offset, or -1 when the call is dropped
 * (already reported), or throws.
 */
export type ReserveSlow = (bytes: number) => number;

/** Key lists up to this long are checked by a switch of literals, longer ones against an array. */
const SWITCH_MAX_KEYS = 4;

/**
 * Compile log() for `keys`, whose interned ids are `ids`, writing into `ring`. `switchMaxKeys`
 * is for benches that compare the two key checks.
 */
export function compileShape(
  keys: readonly string[],
  ids: readonly number[],
  ring: RingWriter,
  reserveSlow: ReserveSlow,
  switchMaxKeys = SWITCH_MAX_KEYS,
): Shape {
  const bytes = scalarsFrameBytes(keys.length);
  // Short lists: the n-th key against the n-th name as a literal (JSON string literals are JS
  // string literals: a key cannot escape into the code), not an array load:
  // bench/micro/log-breakdown.ts "compiled" 17.6 → 16.8 ns on Node 20, 16.8 → 15.9 on Node 24,
  // and in the bench's tight training loop on Node 24 25-42 ns a call against 47-66 with the
  // array. Longer lists: a load from the array of for-in keys (internalized strings: the
  // compare is one pointer compare), whose bytecode does not grow with the list (a switch case
  // is ~18 bytes a key): so a 5-key writer (427 bytes) stays under V8's 460-byte limit and is
  // inlined (see above), where the switch made it 498 and it was called. Tight loop logging 5
  // metrics, Node 20, 28 processes of each alternating: the new writer cheaper in 19 (against
  // the floor in the same process: 24). Past 5 keys neither is inlined, and the switch is an
  // indirect jump per key: 8 keys even, 16 keys 2.5 ns less a call with the array; 32 keys,
  // bench/micro/log-breakdown.ts "wide switch" against "wide array", 91.5 → 80.3 ns on Node 20,
  // 82-140 → 65 on Node 24, and the bench's wide record (`npm run bench`, per-call.ts wide)
  // 151-158 → 105-111 ns on Node 20, 103-110 → 88-90 on Node 24.
  const check =
    keys.length <= switchMaxKeys
      ? `switch (n++) { ${keys.map((k, i) => `case ${i}: if (k !== ${JSON.stringify(k)}) return false; break;`).join(' ')} default: return false; }`
      : `if (n >= ${keys.length} || k !== names[n++]) return false;`;
  const lines: string[] = ['let n = 0;', `for (const k in o) { ${check} }`, `if (n !== ${keys.length}) return false;`];
  // An array's for-in keys are "0", "1", …: only a key list of such names could match one.
  if (keys.some((k) => /^(0|[1-9]\d*)$/.test(k))) lines.push('if (Array.isArray(o)) return false;');
  lines.push(`let pos = ring.reserve(${bytes});`, `if (pos < 0 && (pos = reserveSlow(${bytes})) < 0) return true;`, 'const w = pos >> 2, d = pos >> 3;', 'let v;');
  for (let i = 0; i < keys.length; i++) {
    const word = SCALARS_ENTRIES_OFFSET / 4 + (i * SCALARS_ENTRY_BYTES) / 4;
    const double = SCALARS_ENTRIES_OFFSET / 8 + (i * SCALARS_ENTRY_BYTES) / 8 + 1;
    lines.push(
      `v = o[${JSON.stringify(keys[i])}];`,
      `if (typeof v !== 'number') return false;`,
      `u32[w + ${word}] = ${ids[i]! >>> 0}; f64[d + ${double}] = v;`,
    );
  }
  lines.push(
    `u32[w] = ${bytes}; u32[w + 1] = ${(FrameKind.SCALARS | (keys.length << 8)) >>> 0};`,
    `f64[d + 1] = ring.clock(); f64[d + 2] = step === undefined ? ${IMPLICIT_STEP} : step;`,
    `ring.commitLazy(${bytes});`,
    'return true;',
  );
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('ring', 'reserveSlow', 'u32', 'f64', 'names', `return function logShape(o, step) {\n${lines.join('\n')}\n};`) as (
    ...args: unknown[]
  ) => ShapeLog;
  // A private copy, not frozen: loads from a frozen array cost ~7 ns more (node 20,
  // bench/micro/log-breakdown.ts "for-in frozen"). The compiled check shares it with hasShape.
  const names = [...keys];
  return { keys: names, log: make(ring, reserveSlow, ring.u32, ring.f64, names) };
}

/** True when the for-in keys of `o` are exactly `keys`, in order. */
export function hasShape(o: object, keys: readonly string[]): boolean {
  const len = keys.length;
  let n = 0;
  for (const k in o) {
    if (n >= len || keys[n] !== k) return false;
    n++;
  }
  return n === len;
}
