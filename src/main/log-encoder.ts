/**
 * The hot path: turn one log(data, step) call into a SCALARS frame in the ring.
 *
 * For a flat object whose keys were seen before and whose values are numbers, the call is
 * one for-in that compares the keys with the last call's, the compiled writer of that key
 * list (shape-writer.ts) putting `keyId, value` pairs straight into the shared memory, and
 * an Atomics.store: no allocation (bench "Heap allocated per call"; "log({loss, acc})"
 * against "floor"). Anything else (a new key, a nested object, a value to convert, an error)
 * leaves the fast path before committing and takes `#logSlow`, which allocates freely.
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import {
  FrameKind,
  IMPLICIT_STEP,
  MAX_AUX,
  SCALARS_ENTRIES_OFFSET,
  SCALARS_ENTRY_BYTES,
  blobFrameBytes,
  scalarsFrameBytes,
} from '../shared/frames.js';
import type { RingWriter } from '../shared/ring.js';
import { compileShape, hasShape, type Shape } from './shape-writer.js';
import { checkStep, cleanKey, coerceValue, describeValue, isPlainObject, isProblem, type Problem } from './validate.js';

/** Where the encoder reports what the user should hear about. */
export interface EncoderHost {
  /** Strict mode: throw problems instead of reporting them. */
  readonly strict: boolean;
  /** A rule was broken and a value dropped (non-strict): print once per (key, rule), count it. */
  problem(p: Problem, dropped: number): void;
  /** A one-off warning (a key was cut). */
  warn(message: string): void;
  /** Called when the ring has no room: returns an offset, or throws. */
  reserveSlow(bytes: number): number;
}

const INVALID_KEY = -1;
/** Key lists kept compiled: enough for a loop that alternates train/val/epoch records. */
const RECENT_SHAPES = 8;
/**
 * Compilations allowed per run: a program whose key lists never repeat would otherwise
 * compile a function per call. Past it, new key lists take the slow path.
 */
const MAX_COMPILED_SHAPES = 256;
const textEncoder = new TextEncoder();

/** Encodes log() calls into ring frames; one per run. */
export class LogEncoder {
  readonly #ring: RingWriter | undefined;
  readonly #host: EncoderHost;
  /** Raw key as the user wrote it (flattened with "/") → key id, or INVALID_KEY. */
  readonly #ids = new Map<string, number>();
  /** Cleaned key → key id: raw keys that clean to the same key share an id. */
  readonly #cleanIds = new Map<string, number>();
  #nextId = 0;
  /** The key list of the last fast-path call. */
  #shape: Shape | undefined;
  /** Recently used key lists, most recent first. */
  readonly #recentShapes: Shape[] = [];
  #compiled = 0;

  /** @param ring undefined in `disabled` mode: calls are validated, nothing is written. */
  constructor(ring: RingWriter | undefined, host: EncoderHost) {
    this.#ring = ring;
    this.#host = host;
  }

  /** Validate `data` and `step` and write them into the ring. */
  log(data: unknown, step: unknown): void {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      this.#report(notAnObject(data), 0);
      return;
    }
    let stepValue = IMPLICIT_STEP;
    if (step !== undefined) {
      if (typeof step === 'number' && Number.isSafeInteger(step) && step >= 0) stepValue = step;
      else {
        this.#report(checkStep(step)!, countEntries(data));
        return;
      }
    }
    const obj = data as Record<string, unknown>;
    // Fast path: the same keys as the last call (a for-in that only compares interned
    // strings), then that key list's compiled writer. Locals, not fields, in the loop
    // (pino/lib/tools.js habit).
    let shape = this.#shape;
    let n = 0;
    if (shape !== undefined) {
      const keys = shape.keys;
      const len = keys.length;
      for (const k in obj) {
        if (n >= len || keys[n] !== k) {
          shape = undefined;
          break;
        }
        n++;
      }
      if (n !== len) shape = undefined;
    }
    if (shape === undefined) {
      shape = this.#findShape(obj);
      if (shape === undefined) return this.#logSlow(obj, stepValue);
      this.#shape = shape;
      n = shape.keys.length;
    }
    const ring = this.#ring!;
    const bytes = scalarsFrameBytes(n);
    let pos = ring.reserve(bytes);
    if (pos < 0 && (pos = this.#host.reserveSlow(bytes)) < 0) return;
    // false: a value to convert or report; nothing was committed, the slow path redoes the call.
    if (!shape.write(obj, ring.u32, ring.f64, pos)) return this.#logSlow(obj, stepValue);
    this.#commitScalars(pos, n, stepValue);
  }

  /**
   * A compiled writer for the keys of `obj`: a recent one, or a new one when every key is
   * already interned and valid. Undefined sends the call down the slow path (which interns).
   */
  #findShape(obj: Record<string, unknown>): Shape | undefined {
    const ring = this.#ring;
    if (ring === undefined) return undefined;
    const recent = this.#recentShapes;
    for (let i = 0; i < recent.length; i++) {
      const s = recent[i]!;
      if (hasShape(obj, s.keys)) return s;
    }
    if (this.#compiled >= MAX_COMPILED_SHAPES) return undefined;
    const keys: string[] = [];
    const ids: number[] = [];
    for (const k in obj) {
      const id = this.#ids.get(k);
      if (id === undefined || id === INVALID_KEY) return undefined;
      keys.push(k);
      ids.push(id);
    }
    if (keys.length === 0 || keys.length > MAX_AUX || scalarsFrameBytes(keys.length) > ring.maxFrameBytes) return undefined;
    const shape = compileShape(keys, ids);
    this.#compiled++;
    recent.unshift(shape);
    if (recent.length > RECENT_SHAPES) recent.pop();
    return shape;
  }

  #commitScalars(pos: number, count: number, step: number): void {
    const ring = this.#ring!;
    const bytes = scalarsFrameBytes(count);
    ring.u32[pos >> 2] = bytes;
    ring.u32[(pos >> 2) + 1] = FrameKind.SCALARS | (count << 8);
    ring.f64[(pos >> 3) + 1] = ring.clock();
    ring.f64[(pos >> 3) + 2] = step;
    ring.commit(bytes);
  }

  /** Everything the fast path does not handle: nested objects, new keys, errors. */
  #logSlow(obj: Record<string, unknown>, step: number): void {
    const keys: string[] = [];
    const values: unknown[] = [];
    flatten(obj, '', keys, values, new Set());
    const ids: number[] = [];
    const nums: number[] = [];
    const problems: Problem[] = [];
    for (let i = 0; i < keys.length; i++) {
      const raw = keys[i]!;
      const id = this.#idOf(raw);
      if (isProblem(id)) {
        problems.push(id);
        continue;
      }
      const v = coerceValue(raw, values[i]);
      if (isProblem(v)) {
        problems.push(v);
        continue;
      }
      ids.push(id);
      nums.push(v);
    }
    if (problems.length > 0) {
      if (this.#host.strict) throw problems[0]!.error;
      for (const p of problems) this.#host.problem(p, 1);
    }
    const ring = this.#ring;
    if (ids.length === 0 || ring === undefined) return;
    const bytes = scalarsFrameBytes(ids.length);
    if (bytes > ring.maxFrameBytes || ids.length > MAX_AUX) {
      throw new SwanlabError(ErrorCode.FRAME_TOO_LARGE, `log(): ${ids.length} metrics in one call exceed the ring (${ring.capacity} bytes); raise ringBytes`);
    }
    let pos = ring.reserve(bytes);
    if (pos < 0 && (pos = this.#host.reserveSlow(bytes)) < 0) return;
    let w = pos + SCALARS_ENTRIES_OFFSET;
    for (let i = 0; i < ids.length; i++) {
      ring.u32[w >> 2] = ids[i]!;
      ring.u32[(w >> 2) + 1] = 0;
      ring.f64[(w >> 3) + 1] = nums[i]!;
      w += SCALARS_ENTRY_BYTES;
    }
    this.#commitScalars(pos, ids.length, step);
  }

  /** Key id of a raw key, interning it (a KEY frame) the first time; a Problem if invalid. */
  #idOf(raw: string): number | Problem {
    const known = this.#ids.get(raw);
    if (known !== undefined && known !== INVALID_KEY) return known;
    const clean = cleanKey(raw);
    if (isProblem(clean)) {
      this.#ids.set(raw, INVALID_KEY);
      return clean;
    }
    if (clean.cutFrom !== undefined) {
      this.#host.warn(`log(): key ${JSON.stringify(clean.cutFrom.slice(0, 60) + '…')} is longer than 512 characters; it is recorded as ${JSON.stringify(clean.key.slice(0, 60) + '…')} (cut to 512)`);
    }
    let id = this.#cleanIds.get(clean.key);
    if (id === undefined) {
      id = this.#nextId++;
      this.#writeKeyFrame(id, clean.key);
      this.#cleanIds.set(clean.key, id);
    }
    this.#ids.set(raw, id);
    return id;
  }

  #writeKeyFrame(id: number, key: string): void {
    const ring = this.#ring;
    if (ring === undefined) return;
    const utf8 = textEncoder.encode(key);
    const bytes = blobFrameBytes(utf8.length);
    let pos = ring.reserve(bytes);
    // A dead worker (-1): the call is dropped, already reported by the host.
    if (pos < 0 && (pos = this.#host.reserveSlow(bytes)) < 0) return;
    ring.writeBlob(pos, FrameKind.KEY, id, utf8);
    ring.commit(bytes);
  }

  #report(p: Problem, dropped: number): void {
    if (this.#host.strict) throw p.error;
    this.#host.problem(p, dropped);
  }
}

/** Flatten nested plain objects into "a/b" keys, depth first, in insertion order. */
function flatten(obj: Record<string, unknown>, prefix: string, keys: string[], values: unknown[], seen: Set<object>): void {
  seen.add(obj);
  for (const k in obj) {
    const v = obj[k];
    const key = prefix === '' ? k : `${prefix}/${k}`;
    if (isPlainObject(v) && !seen.has(v)) flatten(v, key, keys, values, seen);
    else {
      keys.push(key);
      values.push(v);
    }
  }
}

function countEntries(data: object): number {
  let n = 0;
  for (const _ in data) n++;
  return n;
}

function notAnObject(data: unknown): Problem {
  const err = Object.assign(
    new TypeError(`log(): data must be an object of {key: value}, got ${describeValue(data)}; nothing was logged`),
    { code: ErrorCode.INVALID_VALUE },
  );
  return { key: '(data)', rule: 'type', error: err };
}
