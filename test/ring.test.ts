// The SPSC ring (src/shared/ring.ts): frames come out exactly as they went in, in order,
// whatever their sizes, however the reads interleave, across wrap-around and across threads.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { FrameKind, blobFrameBytes } from '../src/shared/frames.js';
import { Slot, createSharedRing } from '../src/shared/layout.js';
import { HINT_AGE_MS, RingReader, RingWriter } from '../src/shared/ring.js';

/** Payload of frame `seq`: its length and bytes derived from seq, so any mix-up shows. */
function payloadFor(seq: number, len: number): Uint8Array {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = (seq * 31 + i * 7) & 0xff;
  return p;
}

function writeFrame(w: RingWriter, seq: number, payload: Uint8Array): boolean {
  const bytes = blobFrameBytes(payload.length);
  const pos = w.reserve(bytes);
  if (pos < 0) return false;
  w.writeBlob(pos, FrameKind.MESSAGE, seq & 0xffffff, payload);
  w.commit(bytes);
  return true;
}

test('random frame sizes, wrap-around and interleaved reads deliver exactly the frames written, in order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ len: fc.integer({ min: 0, max: 2030 }), readBudget: fc.integer({ min: 0, max: 6000 }) }), { minLength: 1, maxLength: 300 }),
      (ops) => {
        const sab = createSharedRing(4096);
        const w = new RingWriter(sab);
        const r = new RingReader(sab);
        const written: Uint8Array[] = [];
        const read: Uint8Array[] = [];
        const visit = (off: number, _bytes: number, kind: number, aux: number) => {
          assert.equal(kind, FrameKind.MESSAGE);
          assert.equal(aux, read.length & 0xffffff);
          read.push(r.blob(off).slice());
        };
        let seq = 0;
        for (const op of ops) {
          const p = payloadFor(seq, op.len);
          // A full ring refuses the frame; the producer then waits for the reader, here by reading.
          while (!writeFrame(w, seq, p)) r.drain(visit, 2048);
          written.push(p);
          seq++;
          if (op.readBudget > 0) r.drain(visit, op.readBudget);
        }
        r.drain(visit);
        assert.equal(read.length, written.length);
        for (let i = 0; i < written.length; i++) assert.deepEqual(read[i], written[i], `frame ${i}`);
        assert.equal(r.hasFrames(), false);
      },
    ),
    { numRuns: 300 },
  );
});

test('a frame that is reserved but never committed is invisible to the reader', () => {
  const sab = createSharedRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const pos = w.reserve(64);
  assert.ok(pos >= 0);
  w.u32[pos >> 2] = 64;
  w.u32[(pos >> 2) + 1] = FrameKind.MESSAGE;
  assert.equal(r.hasFrames(), false);
  // The next frame reuses that space: the reader sees only it.
  assert.ok(writeFrame(w, 7, payloadFor(7, 10)));
  const seen: number[] = [];
  r.drain((_o, _b, _k, aux) => seen.push(aux));
  assert.deepEqual(seen, [7]);
});

test('the writer refuses a frame when the ring is full, and accepts it once the reader frees space', () => {
  const sab = createSharedRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  let n = 0;
  while (writeFrame(w, n, payloadFor(n, 500))) n++;
  assert.equal(n, 4096 / blobFrameBytes(500) | 0);
  r.drain(() => {}, 1);
  assert.ok(writeFrame(w, n, payloadFor(n, 500)));
});

test('the writer wakes the consumer once past half full, and again only after the consumer moved', () => {
  const sab = createSharedRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const wakes = (): number => Atomics.load(w.ctrl, Slot.WAKE);
  // 8 frames of 256 bytes: the 9th crosses 2048 bytes in use (the default high-water mark).
  const frame = blobFrameBytes(256 - 12);
  assert.equal(frame, 256);
  for (let i = 0; i < 8; i++) assert.ok(writeFrame(w, i, payloadFor(i, 244)));
  assert.equal(wakes(), 0, 'no wake while the ring is at most half full');
  assert.ok(writeFrame(w, 8, payloadFor(8, 244)));
  assert.equal(wakes(), 1, 'one wake past the mark');
  for (let i = 9; i < 16; i++) assert.ok(writeFrame(w, i, payloadFor(i, 244)));
  assert.equal(wakes(), 1, 'no second wake while the consumer has not moved');
  assert.equal(writeFrame(w, 16, payloadFor(16, 244)), false, 'the ring is full');
  // The consumer frees 4 frames; the writer sees it when it next runs out of room.
  r.drain(() => {}, 4 * 256);
  for (let i = 16; i < 20; i++) assert.ok(writeFrame(w, i, payloadFor(i, 244)));
  assert.equal(wakes(), 2, 'the first commit after the consumer moved wakes it again');
  const seen: number[] = [];
  r.drain((_o, _b, _k, aux) => seen.push(aux));
  assert.deepEqual(seen, Array.from({ length: 16 }, (_, i) => i + 4));
});

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test('lazy commits are published at the first commit after the consumer asked; a hint is read once it is HINT_AGE_MS old', () => {
  const sab = createSharedRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const seen: number[] = [];
  const visit = (_o: number, _b: number, _k: number, aux: number) => seen.push(aux);
  const write = (seq: number, lazy: boolean) => {
    const bytes = blobFrameBytes(8);
    const pos = w.reserve(bytes);
    w.writeBlob(pos, FrameKind.MESSAGE, seq, payloadFor(seq, 8));
    if (lazy) w.commitLazy(bytes);
    else w.commit(bytes);
  };
  write(0, true);
  write(1, true);
  write(2, true);
  const t0 = performance.now();
  r.drain(visit);
  assert.deepEqual(seen, [0], 'the first lazy commit publishes; the next two leave only the hint');
  r.drain(visit);
  if (performance.now() - t0 < HINT_AGE_MS) assert.deepEqual(seen, [0], 'a hint younger than HINT_AGE_MS is not read');
  r.setClock(Date.now()); // a worker pass: it asks for the head
  write(3, true);
  write(4, true);
  r.drain(visit);
  assert.deepEqual(seen.slice(0, 4), [0, 1, 2, 3], 'the first commit after the request published every frame before it');
  sleepMs(HINT_AGE_MS + 5);
  r.drain(visit);
  assert.deepEqual(seen, [0, 1, 2, 3, 4], 'the hint, once old enough');
  write(5, true);
  write(6, false);
  r.drain(visit);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6], 'an eager commit publishes the lazy ones before it');
  assert.equal(r.hasFrames(), false);
});

test('a lazy writer whose ring is full publishes, so the reader can make room', () => {
  const sab = createSharedRing(4096);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const bytes = blobFrameBytes(500);
  let n = 0;
  for (let pos = w.reserve(bytes); pos >= 0; pos = w.reserve(bytes)) {
    w.writeBlob(pos, FrameKind.MESSAGE, n, payloadFor(n, 500));
    w.commitLazy(bytes);
    n++;
  }
  const seen: number[] = [];
  r.drain((_o, _b, _k, aux) => seen.push(aux));
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
});

for (const commit of ['commit', 'commitLazy'] as const) {
  test(`a deliberately slow consumer on another thread receives every frame, in order, while the producer blocks (${commit})`, async () => {
    await slowConsumer(commit);
  });
}

async function slowConsumer(commit: 'commit' | 'commitLazy'): Promise<void> {
  const sab = createSharedRing(4096);
  const ringModule = path.resolve('dist/cjs/shared/ring.js');
  // The consumer sleeps 1 ms after every few frames, so the producer fills the ring and waits.
  const consumer = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    const { RingReader } = require(workerData.ringModule);
    const r = new RingReader(workerData.sab);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    let expected = 0, sum = 0, errors = [];
    while (expected < workerData.total) {
      r.drain((off, bytes, kind, aux) => {
        const body = r.blob(off);
        if (aux !== (expected & 0xffffff)) errors.push('seq ' + aux + ' != ' + expected);
        if (body.length !== (expected % 97) * 8) errors.push('len at ' + expected);
        for (let i = 0; i < body.length; i++) if (body[i] !== ((expected * 31 + i * 7) & 0xff)) { errors.push('byte at ' + expected); break; }
        expected++;
      }, 256);
      Atomics.wait(sleeper, 0, 0, 1);
    }
    parentPort.postMessage({ expected, errors: errors.slice(0, 5) });
    `,
    { eval: true, workerData: { sab, ringModule, total: 3000 } },
  );
  const done = new Promise<{ expected: number; errors: string[] }>((resolve, reject) => {
    consumer.once('message', resolve);
    consumer.once('error', reject);
  });
  const w = new RingWriter(sab);
  let blocked = 0;
  for (let seq = 0; seq < 3000; seq++) {
    const p = payloadFor(seq, (seq % 97) * 8);
    const bytes = blobFrameBytes(p.length);
    let pos = w.reserve(bytes);
    if (pos < 0) {
      blocked++;
      pos = w.reserveBlocking(bytes, 10_000, () => true);
    }
    assert.ok(pos >= 0, `no room for frame ${seq} within 10 s`);
    w.writeBlob(pos, FrameKind.MESSAGE, seq & 0xffffff, p);
    w[commit](bytes);
  }
  const result = await done;
  await consumer.terminate();
  assert.deepEqual(result.errors, []);
  assert.equal(result.expected, 3000);
  assert.ok(blocked > 100, `the producer should have waited for space often (waited ${blocked} times)`);
}
