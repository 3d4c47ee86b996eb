/**
 * Single-producer single-consumer ring of frames in a SharedArrayBuffer (layout in layout.ts,
 * frame formats in frames.ts). Our own because nothing on npm fits: `ringbuf.js` is
 * byte-oriented without frames or wait/notify, and the design card's `sharedarraybuffer-ring`
 * does not exist (shared/design.md).
 *
 * A frame is written in place between `reserve()` and `commit()`; until `commit()` publishes
 * the head the consumer cannot see it, so a producer that finds an invalid value half-way
 * through a call simply does not commit.
 *
 * The scalar hot path commits with `commitLazy()`, which publishes the head (an Atomics.store,
 * a full fence on x86) only once per consumer pass, when the consumer asks; between passes it
 * leaves a plain-stored hint. Why and what that costs: RingWriter.commitLazy.
 */
import {
  CONTROL_BYTES,
  MIN_RING_BYTES,
  Slot,
  createSharedRing,
  ringCapacity,
} from './layout.js';
import { FRAME_HEADER_BYTES, FrameKind, blobFrameBytes } from './frames.js';

/** The views both halves read and write the shared buffer through. */
abstract class RingViews {
  /** Ring data viewed as bytes; frame offsets index it. */
  readonly u8: Uint8Array;
  /** Ring data as u32 words (index = offset >> 2). */
  readonly u32: Uint32Array;
  /** Ring data as float64 (index = offset >> 3). */
  readonly f64: Float64Array;
  /** Control block as i32 slots. */
  readonly ctrl: Int32Array;
  /** Ring capacity in bytes. */
  readonly capacity: number;
  /** The control block as float64, for the clock slot. */
  protected readonly clockView: Float64Array;
  /** capacity - 1: position & mask is the offset in the ring. */
  protected readonly mask: number;

  constructor(sab: SharedArrayBuffer) {
    this.capacity = ringCapacity(sab);
    this.mask = this.capacity - 1;
    this.ctrl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.u8 = new Uint8Array(sab, CONTROL_BYTES);
    this.u32 = new Uint32Array(sab, CONTROL_BYTES);
    this.f64 = new Float64Array(sab, CONTROL_BYTES);
    this.clockView = new Float64Array(sab, 0, CONTROL_BYTES / 8);
  }
}

/** The producer half, owned by the user's thread. */
export class RingWriter extends RingViews {
  #head = 0;
  // Cached copy of the consumer's tail: re-read only when the cached free space runs out,
  // so the producer does not touch the consumer's cache line on every call (design.md).
  // -1 until the first reserve() reads it (no real position is negative).
  #tail = -1;
  /**
   * Head position up to which reserve() hands out space without looking further: the end of
   * the contiguous room the cached tail leaves, or the high-water mark if that comes first.
   * reserve() is one comparison and commit() one store and one Atomics.store; everything else
   * happens when the limit is reached (bench "log({loss, acc})").
   */
  #limit = 0;
  /** Head position past which the consumer is woken early; pushed out of reach once it was. */
  #wakeAt = 0;
  readonly #wakeThreshold: number;
  /** The consumer's publish request count that the last lazy commit answered (-1: none yet). */
  #requestSeen = -1;

  /**
   * @param sab buffer from createSharedRing()
   * @param wakeFraction fill level at which the producer wakes the consumer early.
   */
  constructor(sab: SharedArrayBuffer, wakeFraction = 0.5) {
    super(sab);
    this.#head = Atomics.load(this.ctrl, Slot.HEAD) >>> 0;
    this.#wakeThreshold = Math.floor(this.capacity * wakeFraction);
    this.#limit = this.#head;
    if (!primed) primeWriterPaths();
  }

  /** The worker's wall clock (ms since epoch), refreshed on each of its wake-ups. */
  clock(): number {
    // A plain read: 1 ns against 45-50 ns for Date.now() or performance.now() (measured here,
    // Node 20), and log() must stay near the floor.
    return this.clockView[Slot.CLOCK_F64]!;
  }

  /** Largest frame this ring can ever hold. */
  get maxFrameBytes(): number {
    return this.capacity >>> 1;
  }

  /**
   * Find `bytes` contiguous bytes (a multiple of 8, at most maxFrameBytes) for the next frame.
   * Returns the offset into the data views, or -1 when the ring is too full right now.
   * The frame is published by commit(n) with n <= bytes.
   */
  reserve(bytes: number): number {
    const head = this.#head;
    // Positions wrap at 2^32 and stay within a ring's length of each other: int32 distances.
    if (((this.#limit - head) | 0) >= bytes) return head & this.mask;
    return this.#reserveAtLimit(bytes);
  }

  #reserveAtLimit(bytes: number): number {
    const tail = Atomics.load(this.ctrl, Slot.TAIL) >>> 0;
    if (tail !== this.#tail) {
      this.#tail = tail;
      this.#wakeAt = (tail + this.#wakeThreshold) >>> 0;
    }
    const cap = this.capacity;
    let head = this.#head;
    let pos = head & this.mask;
    const toEnd = cap - pos;
    const free = cap - ((head - tail) >>> 0);
    if (bytes > toEnd) {
      // Not enough room before the end: a WRAP frame fills it, published with the next commit.
      if (free < toEnd + bytes) return this.#full();
      this.u32[pos >> 2] = toEnd;
      this.u32[(pos >> 2) + 1] = FrameKind.WRAP;
      head = (head + toEnd) >>> 0;
      this.#head = head;
      pos = 0;
    } else if (free < bytes) {
      return this.#full();
    }
    // Wake the worker early only past the high-water mark, and once per consumer advance:
    // Atomics.notify costs 42-166 ns (design.md), more than the whole log() budget.
    if (((head + bytes - this.#wakeAt) | 0) > 0) {
      this.#wakeAt = (head + 0x40000000) >>> 0;
      this.wake();
    }
    const room = Math.min(cap - ((head - tail) >>> 0), cap - pos, (this.#wakeAt - head) | 0);
    this.#limit = (head + room) >>> 0;
    return pos;
  }

  /** No room: publish what is committed, so that the consumer can see it and make room. */
  #full(): number {
    this.publish();
    return -1;
  }

  /** Publish the frame written at the last reserve() (and any WRAP before it): `bytes` of it. */
  commit(bytes: number): void {
    this.#head = (this.#head + bytes) >>> 0;
    this.publish();
  }

  /**
   * `commit()` for the scalar hot path: the head reaches Slot.HEAD by Atomics.store only when
   * the consumer asked since the last time (Slot.PUBLISH_REQUEST, bumped once per worker pass),
   * else a plain store of Slot.HEAD_HINT. The Atomics.store is a full fence (xchg on x86) that
   * waits for the frame's stores to reach the cache: bench/micro/log-breakdown.ts "compiled"
   * against "compiled eager", 12.2 against 16.8 ns a call (Node 20), 10.5 against 15.9 (Node 24);
   * in the bench's tight training loop, whose frames miss the cache, 2-41 ns a call (median ~16,
   * old and new builds side by side in one process, six runs). The consumer drains what is
   * published as before, and reads up to a hint once it has held it for HINT_AGE_MS without
   * HEAD reaching it (RingReader): a producer that logs a burst and then stops calling log()
   * (a long evaluation) has its last frames in the file within a pass plus HINT_AGE_MS, not
   * only at its next commit or its exit.
   */
  commitLazy(bytes: number): void {
    const head = (this.#head + bytes) >>> 0;
    this.#head = head;
    const ctrl = this.ctrl;
    // A plain load, as clock() is: an Atomics.load here made the bench's tight loop slower.
    const request = ctrl[Slot.PUBLISH_REQUEST]!;
    if (request !== this.#requestSeen) {
      this.#requestSeen = request;
      Atomics.store(ctrl, Slot.HEAD, head | 0);
    } else {
      ctrl[Slot.HEAD_HINT] = head | 0;
    }
  }

  /** Make every committed frame visible to the consumer now. */
  publish(): void {
    Atomics.store(this.ctrl, Slot.HEAD, this.#head | 0);
  }

  /** Wake the consumer now (flush, finish, control messages), with every committed frame published. */
  wake(): void {
    this.publish();
    Atomics.add(this.ctrl, Slot.WAKE, 1);
    Atomics.notify(this.ctrl, Slot.WAKE);
  }

  /**
   * Block the calling thread until `bytes` can be reserved or `timeoutMs` passes
   * (Atomics.wait is allowed on Node's main thread). Returns the offset, or -1 on timeout.
   * `stillAlive` is asked between waits so a dead consumer ends the wait early.
   */
  reserveBlocking(bytes: number, timeoutMs: number, stillAlive: () => boolean): number {
    let pos = this.reserve(bytes);
    if (pos >= 0) return pos;
    const deadline = Date.now() + timeoutMs;
    const ctrl = this.ctrl;
    Atomics.store(ctrl, Slot.SPACE_WANTED, 1);
    try {
      for (;;) {
        this.wake();
        const tail = Atomics.load(ctrl, Slot.TAIL);
        pos = this.reserve(bytes);
        if (pos >= 0) return pos;
        const left = deadline - Date.now();
        if (left <= 0 || !stillAlive()) return -1;
        // Short slices: the consumer notifies TAIL when it sees SPACE_WANTED, but a slice
        // bound keeps us responsive to a consumer that died without notifying.
        Atomics.wait(ctrl, Slot.TAIL, tail, Math.min(left, 50));
      }
    } finally {
      Atomics.store(ctrl, Slot.SPACE_WANTED, 0);
    }
  }

  /** Write a frame whose body is `u32 length` + `payload` (KEY and MESSAGE frames). */
  writeBlob(pos: number, kind: FrameKind, aux: number, payload: Uint8Array): number {
    const bytes = blobFrameBytes(payload.length);
    this.u32[pos >> 2] = bytes;
    this.u32[(pos >> 2) + 1] = kind | (aux << 8);
    this.u32[(pos >> 2) + 2] = payload.length;
    this.u8.set(payload, pos + FRAME_HEADER_BYTES + 4);
    return bytes;
  }

  /** Bytes published and not yet consumed (as far as this side knows). */
  usedBytes(): number {
    return (this.#head - (Atomics.load(this.ctrl, Slot.TAIL) >>> 0)) >>> 0;
  }
}

let primed = false;

/**
 * Run the writer's rare paths (tail re-read, WRAP, early wake, a lazy commit that publishes) on
 * a throwaway ring, once per process, so V8 has type feedback for them before log() is
 * optimized into a user's loop.
 * Without it the first wrap or early wake, 150 000 calls into a run, deoptimizes that whole
 * loop, whose own float arithmetic then allocates until it is optimized again (bench "Heap
 * allocated per call": 2-6 B/call and a scavenge, against 0.3 B/call). 64 frames: more
 * calls than V8 makes before it allocates a function's feedback vector.
 */
function primeWriterPaths(): void {
  primed = true;
  const w = new RingWriter(createSharedRing(MIN_RING_BYTES), 0.25);
  for (let i = 0; i < 64; i++) {
    const pos = w.reserve(192);
    if (pos < 0) {
      Atomics.store(w.ctrl, Slot.TAIL, Atomics.load(w.ctrl, Slot.HEAD));
    } else {
      // Both ways out of commitLazy: a publish request every third frame.
      if (i % 3 === 0) Atomics.add(w.ctrl, Slot.PUBLISH_REQUEST, 1);
      w.commitLazy(192);
    }
  }
}

/** Callback for each frame: offset into the reader's views, total frame bytes, kind, aux. */
export type FrameVisitor = (offset: number, bytes: number, kind: number, aux: number) => void;

/**
 * How long the consumer holds a producer's head hint (Slot.HEAD_HINT) before it reads the frames
 * below it. The hint is a plain store, so JavaScript orders nothing between it and the frame's
 * own stores; the stores before it reach every core within microseconds on any CPU, and the
 * hint matters only when the producer stopped logging (else its next commit publishes HEAD).
 * With the worker's 20 ms poll, a burst's last frames reach the file within ~50 ms.
 */
export const HINT_AGE_MS = 10;

/**
 * How far past the producer RingReader.prefault() maps pages: the whole default 8 MiB ring at
 * once; for a larger ring, what is resident grows with what is logged plus this, not with the
 * ring's size.
 */
export const PREFAULT_AHEAD_BYTES = 16 << 20;

/**
 * How much RingReader.prefault() maps in one call. A page costs a fault; one written by a
 * child's fork() since, a copy-on-write fault too: 8 MiB took 25-40 ms here, fresh or after a
 * spawn (a sandboxed 2-core machine, 12-20 µs a fault). Swept whole after each of the three git
 * commands of the environment snapshot, the worker drained nothing for 120-190 ms of a run's
 * first second; in 1 MiB slices between its passes it drains at least every few ms.
 */
export const PREFAULT_SLICE_BYTES = 1 << 20;

/** The smallest page size of the platforms Node runs on; a larger page is touched more than once. */
const PAGE_BYTES = 4096;

/** The consumer half, owned by the worker. */
export class RingReader extends RingViews {
  #tail: number;
  /** Where the current prefault sweep began (a position), and how far it has mapped pages. */
  #sweepFrom = 0;
  #mappedTo = 0;
  /** A whole lap from #sweepFrom is mapped: nothing to do until remap(). */
  #mapped: boolean;
  /** How far frames are known to be complete: HEAD as published, or a hint held HINT_AGE_MS. */
  #visible: number;
  /** A hint ahead of #visible, waiting to age, and when it was first seen (performance.now(); -1: none). */
  #hint = 0;
  #hintSeenAt = -1;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    this.#tail = Atomics.load(this.ctrl, Slot.TAIL) >>> 0;
    this.#visible = this.#tail;
    // A fresh ring's first lap starts at position 0; a ring already in use was faulted in by it.
    this.#mapped = this.#tail !== 0;
  }

  /**
   * Map the ring's pages for writing ahead of the producer, from where the last call stopped to
   * `ahead` bytes past the producer, until a whole lap is mapped, so that the producer's stores
   * don't take the page faults. A fresh SharedArrayBuffer is mapped page by page at first
   * write, one fault every 4 KiB of frames: in a 3 µs loop writing 4-metric frames that is
   * +30-40 ns an iteration (1-1.3 %) for the ring's whole first lap, 95 000 iterations with the
   * default ring, all of many runs; prefaulted, +1 ns (bench/micro/first-lap.ts, Node 20 and 24).
   * An atomic add of 0 changes no byte, whatever the producer writes into the same word
   * meanwhile. One comparison once a lap is mapped.
   *
   * Maps at most `slice` bytes a call; returns true when it stopped there with pages still to
   * map now, so that the caller calls again soon rather than after an idle wait.
   */
  prefault(ahead: number, slice = Infinity): boolean {
    if (this.#mapped) return false;
    const producer = this.#producer();
    // Pages behind the producer it has written itself since the sweep began.
    let from = this.#mappedTo;
    if (((producer - from) | 0) > 0) from = producer;
    const lapEnd = (this.#sweepFrom + this.capacity) >>> 0;
    let end = (producer + Math.min(ahead, this.capacity)) >>> 0;
    if (((end - lapEnd) | 0) >= 0) end = lapEnd;
    let more = false;
    if (((end - from) | 0) > slice) {
      end = (from + slice) >>> 0;
      more = true;
    } else if (end === lapEnd) {
      this.#mapped = true;
    }
    const u32 = this.u32;
    const mask = this.mask;
    const lastPage = this.capacity - PAGE_BYTES;
    for (let page = (from - (from & (PAGE_BYTES - 1))) >>> 0; ((end - page) | 0) > 0; page = (page + PAGE_BYTES) >>> 0) {
      const offset = page & mask;
      Atomics.add(u32, offset >> 2, 0);
      // The ring starts CONTROL_BYTES into the buffer's first page, so its last bytes are alone in a page.
      if (offset === lastPage) Atomics.add(u32, (this.capacity >> 2) - 1, 0);
    }
    this.#mappedTo = end;
    return more;
  }

  /**
   * Start a new prefault sweep of the whole ring, from the producer on; the next prefault()
   * calls map it. For after this process started a child: fork() write-protects every private
   * page of the parent, the ring's included, and each then faults again at its next write:
   * after one spawn, ~2 050 faults over the next lap of an 8 MiB ring, +20 ns an iteration of
   * the 3 µs loop; remapped, +5-8 ns (bench/micro/first-lap.ts, Node 20 and 24). Maps nothing
   * itself: three spawns in a row cost one sweep, not three.
   */
  remap(): void {
    const producer = this.#producer();
    this.#sweepFrom = producer;
    this.#mappedTo = producer;
    this.#mapped = false;
  }

  /** The producer's position: its published head or its later hint. */
  #producer(): number {
    const head = Atomics.load(this.ctrl, Slot.HEAD) >>> 0;
    const hint = Atomics.load(this.ctrl, Slot.HEAD_HINT) >>> 0;
    return ((hint - head) | 0) > 0 ? hint : head;
  }

  /**
   * Publish the wall clock the producer stamps frames with, and ask it to publish its head at
   * its next lazy commit: once per worker pass, in the line the producer reads on every call
   * anyway (each write there costs the producer one cache miss).
   */
  setClock(ms: number): void {
    this.clockView[Slot.CLOCK_F64] = ms;
    Atomics.add(this.ctrl, Slot.PUBLISH_REQUEST, 1);
  }

  /** True when frames are waiting. */
  hasFrames(): boolean {
    return this.#refresh() !== this.#tail;
  }

  /** The position up to which frames can be read now (see HINT_AGE_MS). */
  #refresh(): number {
    const ctrl = this.ctrl;
    let visible = this.#visible;
    const head = Atomics.load(ctrl, Slot.HEAD) >>> 0;
    // Positions wrap at 2^32 and stay within a ring's length of each other: int32 distances.
    if (((head - visible) | 0) > 0) visible = head;
    if (this.#hintSeenAt >= 0) {
      if (((this.#hint - visible) | 0) <= 0) this.#hintSeenAt = -1;
      else if (performance.now() - this.#hintSeenAt >= HINT_AGE_MS) {
        visible = this.#hint;
        this.#hintSeenAt = -1;
      }
    }
    if (this.#hintSeenAt < 0) {
      const hint = Atomics.load(ctrl, Slot.HEAD_HINT) >>> 0;
      if (((hint - visible) | 0) > 0) {
        this.#hint = hint;
        this.#hintSeenAt = performance.now();
      }
    }
    this.#visible = visible;
    return visible;
  }

  /**
   * Visit published frames in order, at most about `maxBytes` of them, releasing their space
   * as it goes. Returns the number of bytes consumed.
   */
  drain(visit: FrameVisitor, maxBytes = Infinity): number {
    const u32 = this.u32;
    const head = this.#refresh();
    let tail = this.#tail;
    const slice = this.capacity >>> 3;
    let consumed = 0;
    let sinceRelease = 0;
    while (tail !== head && consumed < maxBytes) {
      const pos = tail & this.mask;
      const bytes = u32[pos >> 2]!;
      const word1 = u32[(pos >> 2) + 1]!;
      const kind = word1 & 0xff;
      if (kind !== 0) visit(pos, bytes, kind, word1 >>> 8);
      tail = (tail + bytes) >>> 0;
      consumed += bytes;
      sinceRelease += bytes;
      // Release space in slices, so a producer blocked on a full ring resumes early, and at
      // the end. Inside the loop, with nothing after it: on Node 24, code after a loop this hot
      // deoptimized the OSR-compiled drain at every exit ("insufficient type feedback": 184
      // deopts in 200 drains, each followed by a new compilation; 3 now), bench/micro/ring-drain.ts.
      if (sinceRelease >= slice || tail === head || consumed >= maxBytes) {
        this.#release(tail);
        sinceRelease = 0;
      }
    }
    return consumed;
  }

  #release(tail: number): void {
    this.#tail = tail;
    Atomics.store(this.ctrl, Slot.TAIL, tail | 0);
    if (Atomics.load(this.ctrl, Slot.SPACE_WANTED) !== 0) Atomics.notify(this.ctrl, Slot.TAIL);
  }

  /** Read the u32-length-prefixed body of a KEY or MESSAGE frame (a view, not a copy). */
  blob(offset: number): Uint8Array {
    const len = this.u32[(offset >> 2) + 2]!;
    const start = offset + FRAME_HEADER_BYTES + 4;
    return this.u8.subarray(start, start + len);
  }
}
