/**
 * The hot path: turn one log(data, step) call into a SCALARS frame in the ring.
 *
 * For a flat object with the last call's keys, all numbers, the call is the compiled log() of
 * that key list (shape-writer.ts): a for-in that compares the keys, `keyId, value` pairs
 * written straight into the shared memory, and a commit that publishes the head once per
 * worker pass (ring.ts, commitLazy); no allocation (bench "Heap allocated per call";
 * "log({loss, acc})" against "floor"). Anything else (another key list,
 * a new key, a nested object, a value to convert, media, an error, a closed run) leaves the
 * fast path before committing and takes `#logChecked`, then `#logSlow`, which allocates
 * freely. Media never reach the compiled writers: they return false on a non-number, and a
 * key that holds media is never compiled into one.
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
import { MAX_MEDIA_ITEMS, type MediaBlob, type MediaClass } from '../shared/media.js';
import type { RingWriter } from '../shared/ring.js';
import { CLASS_NAMES } from './media/media.js';
import { collectMedia, isMediaValue, kindProblem, type MediaValue } from './media/collect.js';
import { MediaSender } from './media/sender.js';
import { compileShape, hasShape, type ReserveSlow, type Shape, type ShapeLog } from './shape-writer.js';
import { checkStep, cleanKey, coerceValue, describeValue, isPlainObject, isProblem, isStepValue, type Problem } from './validate.js';

/** Where the encoder reports what the user should hear about. */
export interface EncoderHost {
  /** Strict mode: throw problems instead of reporting them. */
  readonly strict: boolean;
  /** A rule was broken and a value dropped (non-strict): print once per (key, rule), count it. */
  problem(p: Problem, dropped: number): void;
  /** A one-off warning (a key was cut). */
  warn(message: string): void;
  /** Called when the ring has no room: returns an offset, -1 when the call is dropped (reported), or throws. */
  reserveSlow(bytes: number): number;
  /** A call after close(): throws, or reports once that the worker stopped. */
  closed(): void;
  /** Post a media payload too large for the ring on the media port. */
  postBlob(blob: MediaBlob, transfer: ArrayBuffer[]): void;
}

/** The type a key holds, fixed by its first accepted value. */
type KeyKind = 'scalar' | MediaClass;

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
  /** The compiled log() of the last fast-path call's key list (held bare: one load less per call). */
  #fast: ShapeLog | undefined;
  /** Recently used key lists, most recent first. */
  readonly #recentShapes: Shape[] = [];
  #compiled = 0;
  /** Key id → the type it holds; unset until a value is accepted. */
  readonly #kinds: KeyKind[] = [];
  /** Keys already warned about a list cut to 108 items. */
  readonly #cutWarned = new Set<number>();
  readonly #media: MediaSender | undefined;
  readonly #reserveSlow: ReserveSlow;
  #closed = false;

  /** @param ring undefined in `disabled` mode: calls are validated, nothing is written. */
  constructor(ring: RingWriter | undefined, host: EncoderHost) {
    this.#ring = ring;
    this.#host = host;
    this.#reserveSlow = (bytes) => host.reserveSlow(bytes);
    this.#media = ring === undefined ? undefined : new MediaSender(ring, host);
  }

  /** Resolve once media whose data was still coming (tensor data()) are handed over, or given up after `timeoutMs`. */
  settleMedia(timeoutMs: number): Promise<void> {
    return this.#media?.settle(timeoutMs) ?? Promise.resolve();
  }

  /** Exit: tell the worker not to wait for media data that can no longer come. */
  abandonLateMedia(): void {
    this.#media?.abandonLate();
  }

  /** Validate `data` and `step` and write them into the ring. */
  log(data: unknown, step: unknown): void {
    // Fast path: the last call's key list, whose compiled log() checks the keys and values and
    // writes the frame (shape-writer.ts). Nothing else: a closed run has no shapes. One call of
    // #logChecked, and the implicit step written by the compiled log(): every byte of this
    // method counts against the inlining budget of the user's loop (shape-writer.ts).
    const fast = this.#fast;
    if (fast !== undefined && typeof data === 'object' && data !== null && (step === undefined || isStepValue(step)) && fast(data, step)) return;
    this.#logChecked(data, step);
  }

  /** The run is finished or its worker died: every later call reaches the host's `closed()`. */
  close(): void {
    this.#closed = true;
    this.#fast = undefined;
    this.#recentShapes.length = 0;
  }

  /** Everything but the last key list's fast path: checks, other key lists, the slow path. */
  #logChecked(data: unknown, step: unknown): void {
    if (this.#closed) return this.#host.closed();
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return this.#report(notAnObject(data), 0);
    let stepValue = IMPLICIT_STEP;
    if (step !== undefined) {
      if (!isStepValue(step)) return this.#report(checkStep(step)!, countEntries(data));
      stepValue = step;
    }
    const obj = data as Record<string, unknown>;
    const shape = this.#findShape(obj);
    if (shape !== undefined) {
      this.#fast = shape.log;
      // false: a value to convert or report; nothing was committed, the slow path redoes the call.
      if (shape.log(obj, stepValue)) return;
    }
    this.#logSlow(obj, stepValue);
  }

  /**
   * A compiled log() for the keys of `obj`: a recent one, or a new one when every key is
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
      // Only keys that already hold numbers: a media key must keep taking the slow path.
      if (id === undefined || id === INVALID_KEY || this.#kinds[id] !== 'scalar') return undefined;
      keys.push(k);
      ids.push(id);
    }
    if (keys.length === 0 || keys.length > MAX_AUX || scalarsFrameBytes(keys.length) > ring.maxFrameBytes) return undefined;
    const shape = compileShape(keys, ids, ring, this.#reserveSlow);
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

  /** Everything the fast path does not handle: nested objects, new keys, media, errors. */
  #logSlow(obj: Record<string, unknown>, step: number): void {
    const keys: string[] = [];
    const values: unknown[] = [];
    flatten(obj, '', keys, values, new Set());
    const ids: number[] = [];
    const nums: number[] = [];
    const mediaIds: number[] = [];
    const media: MediaValue[] = [];
    const problems: Problem[] = [];
    const kinds = this.#kinds;
    for (let i = 0; i < keys.length; i++) {
      const raw = keys[i]!;
      const id = this.#idOf(raw);
      if (isProblem(id)) {
        problems.push(id);
        continue;
      }
      const value = values[i];
      const had = kinds[id];
      if (isMediaValue(value)) {
        const m = collectMedia(raw, value);
        if (isProblem(m)) problems.push(m);
        else if (had !== undefined && had !== m.cls) problems.push(kindProblem(raw, value, had, m.cls));
        else if (ids.includes(id)) problems.push(kindProblem(raw, value, 'scalar', m.cls));
        else if (mediaIds.includes(id)) {
          this.#host.warn(`log(): key ${JSON.stringify(raw)} appears twice in one call after stripping or flattening; the first value is kept`);
        } else {
          mediaIds.push(id);
          media.push(m);
        }
        continue;
      }
      const v = coerceValue(raw, value);
      if (isProblem(v)) {
        problems.push(v);
        continue;
      }
      const hadNow = had ?? (mediaIds.length > 0 && mediaIds.includes(id) ? media[mediaIds.indexOf(id)]!.cls : undefined);
      if (hadNow !== undefined && hadNow !== 'scalar') {
        problems.push(kindProblem(raw, value, hadNow, 'scalar'));
        continue;
      }
      ids.push(id);
      nums.push(v);
    }
    if (problems.length > 0) {
      if (this.#host.strict) throw problems[0]!.error;
      for (const p of problems) this.#host.problem(p, 1);
    }
    for (const id of ids) kinds[id] = 'scalar';
    for (let i = 0; i < media.length; i++) {
      const m = media[i]!;
      kinds[mediaIds[i]!] = m.cls;
      if (m.items.length > MAX_MEDIA_ITEMS) this.#cutList(mediaIds[i]!, m);
    }
    const ring = this.#ring;
    if (ring === undefined) return;
    if (ids.length > 0) this.#writeScalars(ring, ids, nums, step);
    for (let i = 0; i < media.length; i++) this.#media!.send(mediaIds[i]!, step, media[i]!.cls, media[i]!.items);
  }

  #writeScalars(ring: RingWriter, ids: number[], nums: number[], step: number): void {
    const bytes = scalarsFrameBytes(ids.length);
    if (bytes > ring.maxFrameBytes || ids.length > MAX_AUX) {
      throw new SwanlabError(ErrorCode.FRAME_TOO_LARGE, `log(): ${ids.length} metrics in one call exceed the ring (${ring.capacity} bytes); raise ringBytes`);
    }
    let pos = ring.reserve(bytes);
    if (pos < 0 && (pos = this.#host.reserveSlow(bytes)) < 0) return;
    let w = pos + SCALARS_ENTRIES_OFFSET;
    for (let i = 0; i < ids.length; i++) {
      ring.u32[w >> 2] = ids[i]!;
      ring.f64[(w >> 3) + 1] = nums[i]!;
      w += SCALARS_ENTRY_BYTES;
    }
    this.#commitScalars(pos, ids.length, step);
  }

  /** SwanLab keeps at most 108 items per key per step (spec 2.1): keep the first 108, warn once per key. */
  #cutList(id: number, m: MediaValue): void {
    if (!this.#cutWarned.has(id)) {
      this.#cutWarned.add(id);
      const key = [...this.#cleanIds].find(([, v]) => v === id)?.[0] ?? String(id);
      this.#host.warn(
        `log(): key ${JSON.stringify(key)}: ${m.items.length} ${CLASS_NAMES[m.cls]} items in one step; SwanLab keeps at most ${MAX_MEDIA_ITEMS} per key and step, so the first ${MAX_MEDIA_ITEMS} are logged (reported once per key)`,
      );
    }
    m.items = m.items.slice(0, MAX_MEDIA_ITEMS);
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
