/**
 * The shared memory contract between the user's thread (producer) and the worker (consumer).
 *
 * One SharedArrayBuffer holds a 256-byte control block followed by the frame ring:
 *
 * ```
 *  byte 0            64                128               192          256            256 + capacity
 *  ├─ line 0 ────────┼─ line 1 ────────┼─ line 2 ────────┼─ line 3 ───┼─ ring data ──────────────┤
 *  │ HEAD  WAKE      │ TAIL  STATE ACK │ CLOCK (f64)     │ (spare)    │ frames, 8-byte aligned   │
 *  │ SPACE_WANTED    │ DUPLICATES      │ PUBLISH_REQUEST │            │                          │
 *  │ HEAD_HINT       │                 │                 │            │                          │
 *  │ (producer writes)│ (consumer writes)│ (consumer writes)│           │                          │
 * ```
 *
 * Each line is written by one side only. A consumer spinning on the producer's line costs the
 * producer 5x (130-190 ns instead of 31 ns per log(), shared/design.md "Traps"), so head and
 * tail never share a cache line.
 *
 * Positions (HEAD, TAIL) are byte counters that wrap at 2^32; `capacity` is a power of two, so
 * `position & (capacity - 1)` is the offset in the ring and `(head - tail) >>> 0` the bytes used.
 */

/** Version of this layout and of the frame formats; passed in workerData and checked by the worker. */
export const PROTOCOL_VERSION = 2;

/** Bytes before the ring data. */
export const CONTROL_BYTES = 256;

/**
 * Indices into the control block: i32 slots (an Int32Array over it), and the clock's f64 slot
 * (a Float64Array over it). A const enum, so tsc writes each as a number literal where it is
 * used: the CommonJS build reads an imported `const` as a property of the module object, 9-11
 * bytes of bytecode a use, and those bytes count against V8's inlining budget for the user's
 * loop (src/main/shape-writer.ts, "what fits V8's inlining budget").
 */
export const enum Slot {
  // Line 0: written by the producer (main thread).
  /** Producer position: bytes ever published (u32, wrapping). */
  HEAD = 0,
  /** Incremented by the producer each time it wants the worker awake now; the worker waits on it. */
  WAKE = 1,
  /** Non-zero while the producer is blocked waiting for space: asks the consumer to notify TAIL. */
  SPACE_WANTED = 2,
  /**
   * The producer's head after its last lazy commit, a plain (unsynchronized) store: the
   * consumer trusts it only once it has seen it for HINT_AGE_MS (ring.ts, RingWriter.commitLazy).
   */
  HEAD_HINT = 3,

  // Line 1: written by the consumer (worker).
  /** Consumer position: bytes ever consumed (u32, wrapping). */
  TAIL = 16,
  /** Worker lifecycle, one of {@link WorkerState}. */
  STATE = 17,
  /** Id of the last finish request the worker has completed (written, fsynced). */
  ACK = 18,
  /** Values dropped because their (key, step) already had a value. */
  DUPLICATES = 19,

  // Line 2: written by the consumer.
  /** Index in a Float64Array view of the control block: the worker's wall clock (ms since epoch). */
  CLOCK_F64 = 128 / 8,
  /** Incremented by the consumer on each pass: asks the producer to publish HEAD at its next lazy commit. */
  PUBLISH_REQUEST = 144 / 4,
}

/** Values of {@link Slot.STATE}. */
export const WorkerState = {
  STARTING: 0,
  RUNNING: 1,
  FINISHED: 2,
  /** The worker failed; it wrote the reason to the status port before it stopped. */
  DEAD: 3,
} as const;

/** Ring capacity bounds in bytes. */
export const MIN_RING_BYTES = 1 << 12;
/** Largest ring. */
export const MAX_RING_BYTES = 1 << 30;
/** Default ring: 8 MiB, about 200 000 two-metric log() calls of slack for a stalled disk. */
export const DEFAULT_RING_BYTES = 1 << 23;

/** Allocate a control block and a ring of `capacity` bytes (a power of two). */
export function createSharedRing(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < MIN_RING_BYTES || capacity > MAX_RING_BYTES || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity must be a power of two between ${MIN_RING_BYTES} and ${MAX_RING_BYTES} bytes, got ${capacity}`);
  }
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

/** Ring data capacity of a buffer made by {@link createSharedRing}. */
export function ringCapacity(sab: SharedArrayBuffer): number {
  return sab.byteLength - CONTROL_BYTES;
}
