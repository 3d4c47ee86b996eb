// The consumer writes once into each page of a fresh ring ahead of the producer
// (RingReader.prefault), so that log() in a run's first lap does not take the page faults.
// Page faults are counted per thread from /proc/self/task/<tid>/stat (Linux).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { FrameKind, blobFrameBytes } from '../src/shared/frames.js';
import { createSharedRing } from '../src/shared/layout.js';
import { RingReader, RingWriter } from '../src/shared/ring.js';
import { MAIN_THREAD_STAT, mainThreadMinorFaults as minorFaults } from './fixtures/proc-stat.cjs';
import { points, tempDir } from './helpers.js';

const noStat = fs.existsSync(MAIN_THREAD_STAT) ? false : 'counts page faults in /proc/self/task (Linux)';
const MiB = 1 << 20;
const PAGES_PER_MIB = MiB / 4096;
/**
 * Fewer faults than an eighth of the pages of `mib` MiB of frames: what writes into mapped pages
 * take. This thread also faults in new heap pages now and then (the stat reads allocate), up
 * to ~20 in a window here; unmapped, every page faults.
 */
const few = (mib: number): number => (mib * PAGES_PER_MIB) / 8;

test('prefault() maps the pages up to `ahead` past the producer, so its writes there take no page fault, and changes no byte', { skip: noStat }, () => {
  const sab = createSharedRing(32 * MiB);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  // The same frames written into a ring that nothing prefaults: the bytes to compare with.
  const plain = new RingWriter(createSharedRing(32 * MiB));
  const payload = new Uint8Array(4000).map((_, i) => (i * 7 + 1) & 0xff);
  const bytes = blobFrameBytes(payload.length);
  let written = 0;
  let frames = 0;
  /** Page faults this thread takes writing frames until `position`. */
  const faultsWritingTo = (position: number): number => {
    const before = minorFaults();
    for (; written + bytes <= position; written += bytes) {
      w.writeBlob(w.reserve(bytes), FrameKind.MESSAGE, frames++, payload);
      w.commit(bytes);
    }
    return minorFaults() - before;
  };
  faultsWritingTo(MiB);
  r.prefault(4 * MiB);
  // 1 to 5 MiB was mapped ahead; past it, every page faults on the producer.
  const inside = faultsWritingTo(5 * MiB - 8192);
  assert.ok(inside < few(4), `writes inside the window took ${inside} page faults`);
  const past = faultsWritingTo(7 * MiB);
  assert.ok(past >= 1.5 * PAGES_PER_MIB, `writes past the window should each fault their page (${past} faults for 2 MiB)`);
  // The next call reaches from where the producer is now.
  r.prefault(4 * MiB);
  const insideMoved = faultsWritingTo(11 * MiB - 8192);
  assert.ok(insideMoved < few(4), `writes inside the moved window took ${insideMoved} page faults`);
  for (let n = 0; n < frames; n++) {
    plain.writeBlob(plain.reserve(bytes), FrameKind.MESSAGE, n, payload);
    plain.commit(bytes);
  }
  assert.ok(Buffer.from(r.u8.buffer, r.u8.byteOffset, r.u8.length).equals(Buffer.from(plain.u8.buffer, plain.u8.byteOffset, plain.u8.length)), 'prefault changed bytes of the ring');
  let seen = 0;
  r.drain((off, _bytes, kind, aux) => {
    assert.equal(kind, FrameKind.MESSAGE);
    assert.equal(aux, seen++);
    assert.deepEqual(r.blob(off), payload);
  });
  assert.equal(seen, frames);
});

/**
 * A fresh ring of `capacity` bytes and its reader, and `faultsWriting(n)`: the page faults this
 * thread takes writing the next `n` MiB of frames into it.
 */
function faultCountedRing(capacity: number): { r: RingReader; faultsWriting: (n: number) => number } {
  const sab = createSharedRing(capacity);
  const w = new RingWriter(sab);
  const payload = new Uint8Array(4000);
  const bytes = blobFrameBytes(payload.length);
  const faultsWriting = (n: number): number => {
    const before = minorFaults();
    for (let b = 0; b + bytes <= n * MiB; b += bytes) {
      w.writeBlob(w.reserve(bytes), FrameKind.MESSAGE, 0, payload);
      w.commit(bytes);
    }
    return minorFaults() - before;
  };
  return { r: new RingReader(sab), faultsWriting };
}

test('remap() after a child process maps the ring again from the producer on; without it each page faults again', { skip: noStat }, () => {
  const { r, faultsWriting } = faultCountedRing(16 * MiB);
  r.prefault(16 * MiB);
  assert.ok(faultsWriting(2) < few(2), 'a mapped ring faulted');
  // fork() write-protects the pages: each faults again at its next write.
  spawnSync(process.execPath, ['-e', '']);
  const again = faultsWriting(2);
  assert.ok(again >= 1.5 * PAGES_PER_MIB, `after a spawn, writes should fault their pages again (${again} for 2 MiB)`);
  spawnSync(process.execPath, ['-e', '']);
  r.remap();
  r.prefault(4 * MiB);
  const remapped = faultsWriting(3);
  assert.ok(remapped < few(3), `${remapped} faults for 3 MiB right after remap()`);
});

test('prefault() maps at most a slice a call and says whether more is left; remap() maps nothing itself', { skip: noStat }, () => {
  // The worker maps the ring between its drain passes: a whole 8 MiB sweep at once kept it from
  // draining for 120-190 ms of a run's first second (three git commands, three sweeps).
  const { r, faultsWriting } = faultCountedRing(8 * MiB);
  const sweep = (): number => {
    let calls = 1;
    while (r.prefault(16 * MiB, MiB)) calls++;
    return calls;
  };
  assert.equal(r.prefault(16 * MiB, MiB), true, 'one MiB of 8 mapped: more is left');
  assert.equal(sweep(), 7, 'the other 7 MiB take 7 calls');
  assert.equal(r.prefault(16 * MiB, MiB), false, 'a mapped lap has nothing left');
  assert.ok(faultsWriting(2) < few(2), 'a ring mapped in slices faulted');
  spawnSync(process.execPath, ['-e', '']);
  r.remap();
  const unmapped = faultsWriting(1);
  assert.ok(unmapped >= 0.75 * PAGES_PER_MIB, `remap() should leave the pages to prefault() (${unmapped} faults for 1 MiB)`);
  // A new lap from the producer on, a slice a call: the 7 MiB and a frame's bytes it has not written.
  const calls = sweep();
  assert.ok(calls === 7 || calls === 8, `${calls} calls to map a lap again`);
  assert.ok(faultsWriting(3) < few(3), 'a ring mapped again in slices faulted');
});

/** Page faults of the child's main thread while log() wrote `pages` pages of a ring's first lap. */
function firstLapFaults(probes: 'on' | 'off'): { faults: number; pages: number } {
  const fixture = path.join(__dirname, 'fixtures', 'first-lap-faults.mjs');
  const child = spawnSync(process.execPath, ['--max-semi-space-size=1', fixture, tempDir(), probes], { encoding: 'utf8', timeout: 90_000 });
  assert.equal(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout) as { faults: number; pages: number };
  assert.ok(out.pages > 1900);
  return out;
}

test('once the worker has started, log() writes a fresh ring\'s first lap without a page fault', { skip: noStat }, () => {
  const { faults, pages } = firstLapFaults('off');
  assert.ok(faults < pages / 8, `${faults} page faults on the main thread while log() wrote ${pages} pages`);
});

test('after the environment snapshot\'s child processes, log() writes the ring without a page fault', { skip: noStat }, () => {
  const { faults, pages } = firstLapFaults('on');
  // The fork write-protected the thread's own pages too (its stack, V8's heap): 130-200 of
  // those fault once here whatever the worker does, against ~2,000 ring pages without remap().
  assert.ok(faults < pages / 4, `${faults} page faults on the main thread while log() wrote ${pages} pages`);
});

test('records logged while the worker prefaults the ring all arrive, value for value', async () => {
  // More than the default ring holds: the producer fills the fresh ring before the worker's
  // first pass, so the worker touches pages full of frames, then drains them.
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const n = 200_000;
  for (let i = 0; i < n; i++) swanlab.log({ a: i, b: -i * 0.5, c: i % 7, d: 1 / (i + 1) });
  await swanlab.finish();
  const pts = points(run.dir);
  assert.equal(pts.length, 4 * n);
  for (let i = 0; i < n; i++) {
    const [a, b, c, d] = pts.slice(4 * i, 4 * i + 4);
    if (a!.value !== i || b!.value !== -i * 0.5 || c!.value !== i % 7 || d!.value !== 1 / (i + 1) || a!.step !== i) {
      assert.fail(`record ${i}: ${JSON.stringify([a, b, c, d])}`);
    }
  }
});
