/**
 * Console capture (spec 4.2): `process.stdout.write` and `process.stderr.write` are wrapped so
 * that, after the user's text has gone out unchanged, the same text goes into the ring as a
 * CONSOLE frame. The worker turns it into lines; this side only copies bytes, so a line printed
 * in a tight loop costs about what a log() costs (~60 ns to encode a 32-character line into the
 * ring, measured here with Buffer#write; a Buffer.from() copy would allocate per call).
 *
 * One wrapper per stream for the life of the process, found again through a global symbol, so
 * that runs and other wrappers (test helpers, other loggers) layered on top never stack ours
 * twice: a run attaches to it and detaches, and with nothing attached it only passes through.
 */
import { CONSOLE_LENGTH_OFFSET, CONSOLE_TEXT_OFFSET, CONSOLE_TIME_OFFSET, ConsoleStream, FrameKind, consoleFrameBytes } from '../shared/frames.js';
import type { RingWriter } from '../shared/ring.js';

/** Which streams a run records. */
export type ConsoleCaptureMode = 'all' | 'stdout' | 'stderr' | 'none';

type WriteFn = (this: unknown, chunk: unknown, ...rest: unknown[]) => boolean;
type Sink = (chunk: unknown, encoding: unknown) => void;

/** Our wrapper's state, hung on the wrapper function itself. */
interface Tap {
  readonly original: WriteFn;
  readonly ownProperty: boolean;
  sink: Sink | undefined;
}

const TAP = Symbol.for('swanlab-node.console-tap');

/** The tap of `stream`, installing our wrapper when the current write is not ours. */
function tapOf(stream: NodeJS.WriteStream): { tap: Tap; wrapper: WriteFn } {
  const current = stream.write as unknown as WriteFn & { [TAP]?: Tap };
  const existing = current[TAP];
  if (existing !== undefined) return { tap: existing, wrapper: current };
  const tap: Tap = { original: current, ownProperty: Object.prototype.hasOwnProperty.call(stream, 'write'), sink: undefined };
  const wrapper = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    // The user's output first, unchanged: if recording fails, they have still seen it.
    const result = tap.original.call(this, chunk, ...rest);
    const sink = tap.sink;
    if (sink !== undefined) sink(chunk, rest[0]);
    return result;
  } as WriteFn & { [TAP]?: Tap };
  wrapper[TAP] = tap;
  stream.write = wrapper as unknown as typeof stream.write;
  return { tap, wrapper };
}

/** Where a capture writes and how long it may wait for room. */
export interface CaptureTarget {
  ring: RingWriter;
  /** How long a write may wait for room in a full ring before its text is dropped. */
  ringFullTimeoutMs: number;
  /** False once the worker is gone: a full ring then drops at once. */
  alive(): boolean;
}

/** A run's recording of stdout and stderr, from attach until detach. */
export class ConsoleCapture {
  readonly #target: CaptureTarget;
  readonly #bytes: Buffer;
  readonly #attached: { stream: NodeJS.WriteStream; tap: Tap; wrapper: WriteFn; sink: Sink }[] = [];
  /** Longest string written in one frame: 3 UTF-8 bytes per UTF-16 unit must fit. */
  readonly #maxUnits: number;
  #busy = false;
  /** Writes that could not be recorded (ring full past the timeout, or the worker gone). */
  dropped = 0;

  constructor(target: CaptureTarget, mode: Exclude<ConsoleCaptureMode, 'none'>) {
    this.#target = target;
    const u8 = target.ring.u8;
    // Buffer#write encodes UTF-8 straight into the shared ring.
    this.#bytes = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    this.#maxUnits = Math.floor((target.ring.maxFrameBytes - CONSOLE_TEXT_OFFSET - 8) / 3);
    if (mode !== 'stderr') this.#attach(process.stdout, ConsoleStream.STDOUT);
    if (mode !== 'stdout') this.#attach(process.stderr, ConsoleStream.STDERR);
  }

  /** Stop recording; our wrapper is removed where nothing was layered on it since. */
  detach(): void {
    for (const a of this.#attached) {
      if (a.tap.sink === a.sink) a.tap.sink = undefined;
      if (a.stream.write === (a.wrapper as unknown)) {
        if (a.tap.ownProperty) a.stream.write = a.tap.original as unknown as typeof a.stream.write;
        else delete (a.stream as { write?: unknown }).write;
      }
    }
    this.#attached.length = 0;
  }

  #attach(stream: NodeJS.WriteStream, id: ConsoleStream): void {
    const { tap, wrapper } = tapOf(stream);
    const sink: Sink = (chunk, encoding) => this.#record(id, chunk, encoding);
    tap.sink = sink;
    this.#attached.push({ stream, tap, wrapper, sink });
  }

  #record(stream: ConsoleStream, chunk: unknown, encoding: unknown): void {
    // Re-entrancy: anything written while we record (a warning of ours) is passed, not recorded.
    if (this.#busy) return;
    this.#busy = true;
    try {
      if (typeof chunk === 'string') {
        if (typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8') this.#putString(stream, chunk);
        else this.#putBytes(stream, Buffer.from(chunk, encoding as BufferEncoding));
      } else if (chunk instanceof Uint8Array) {
        this.#putBytes(stream, chunk);
      }
    } catch {
      // Recording must never break the user's write; the text is simply not recorded.
      this.dropped++;
    } finally {
      this.#busy = false;
    }
  }

  #putString(stream: ConsoleStream, s: string): void {
    const max = this.#maxUnits;
    for (let i = 0; i < s.length; ) {
      let end = Math.min(s.length, i + max);
      // Never split a surrogate pair between two frames.
      if (end < s.length && (s.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      const part = i === 0 && end === s.length ? s : s.slice(i, end);
      const pos = this.#reserve(consoleFrameBytes(part.length * 3));
      if (pos < 0) return;
      const n = this.#bytes.write(part, pos + CONSOLE_TEXT_OFFSET, part.length * 3, 'utf8');
      this.#commit(stream, pos, n);
      i = end;
    }
  }

  #putBytes(stream: ConsoleStream, bytes: Uint8Array): void {
    // A chunk may end inside a character: the worker's per-stream decoder joins the pieces.
    const max = this.#maxUnits * 3;
    for (let i = 0; i < bytes.length; i += max) {
      const part = bytes.subarray(i, Math.min(bytes.length, i + max));
      const pos = this.#reserve(consoleFrameBytes(part.length));
      if (pos < 0) return;
      this.#target.ring.u8.set(part, pos + CONSOLE_TEXT_OFFSET);
      this.#commit(stream, pos, part.length);
    }
  }

  #reserve(bytes: number): number {
    const t = this.#target;
    let pos = t.ring.reserve(bytes);
    if (pos < 0) pos = t.ring.reserveBlocking(bytes, t.ringFullTimeoutMs, () => t.alive());
    if (pos < 0) this.dropped++;
    return pos;
  }

  /** Publish a CONSOLE frame of `n` text bytes written at `pos` (fewer than reserved is fine). */
  #commit(stream: ConsoleStream, pos: number, n: number): void {
    const ring = this.#target.ring;
    const bytes = consoleFrameBytes(n);
    ring.u32[pos >> 2] = bytes;
    ring.u32[(pos >> 2) + 1] = FrameKind.CONSOLE | (stream << 8);
    ring.f64[(pos + CONSOLE_TIME_OFFSET) >> 3] = ring.clock();
    ring.u32[(pos + CONSOLE_LENGTH_OFFSET) >> 2] = n;
    ring.commit(bytes);
  }
}
