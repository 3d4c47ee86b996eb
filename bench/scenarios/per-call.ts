/**
 * Main-thread nanoseconds per call of the same record {loss, acc}, keys already seen, for
 * swanlab-node's log() and what it is weighed against. The variants run interleaved: each
 * round times one batch of BATCH calls of every variant (hrtime.bigint around the batch), in
 * an order that rotates each round, so machine drift, the worker threads on the second core
 * and GC pauses hit all of them alike. The statistics are over per-batch means: "p99" is the
 * 99th percentile of 1000-call batch means, not of single calls (a single call is shorter than
 * the clock's own cost).
 *
 *   node --import tsx bench/scenarios/per-call.ts            (bench/index.ts runs it)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as Swanlab from 'swanlab-node';
import { QUICK, mean, quantile, report, ringOf, sleepSync, sorted, tempDir, type Rec } from '../lib/common.js';

const BATCH = 1000;
const ROUNDS = QUICK ? 60 : 2500;
/** The swanlab ring: 16 MiB. The bench keeps it under a quarter full (see pace()), so log() never waits for space. */
const RING_BYTES = QUICK ? 1 << 22 : 1 << 24;
/**
 * Warm-up rounds: enough for TurboFan to optimize every batch function and for the swanlab
 * ring (56-byte frames) to wrap once. A fresh SharedArrayBuffer is not yet backed by memory:
 * the first pass over each 4 KiB page costs a page fault, which would bill log() for the
 * ring's first lap only (measured here: ~100 ns instead of ~60 ns per call on a fresh 64 MiB
 * ring). The floor gets a ring of the same size and the same warm-up.
 */
const WARMUP_ROUNDS = Math.max(QUICK ? 20 : 200, Math.ceil(RING_BYTES / 56 / BATCH) + 10);

export interface PerCallRow {
  name: string;
  label: string;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  /** This variant's median over swanlab-node log()'s median. */
  ratio: number;
  batches: number;
}

export interface PerCallResult {
  batch: number;
  rounds: number;
  warmupRounds: number;
  ringBytes: number;
  /** Largest fraction of the swanlab ring found in use before a batch (the bench keeps it < 0.25 + one batch). */
  ringPeakFill: number;
  /** Rounds after which the bench waited, untimed, for the worker to drain the ring. */
  paceWaits: number;
  postMessageDelivered: number;
  rows: PerCallRow[];
}

async function main(): Promise<void> {
  // The package's ES module face, as `import * as swanlab from 'swanlab-node'` gives it to an
  // ES module (a static import here would go through tsx's CommonJS interop getters instead).
  const swanlab: typeof Swanlab = await import('swanlab-node');
  const tmp = tempDir('swanlab-bench-percall-');
  const rec: Rec = { loss: 0.5, acc: 0.5 };

  // --- swanlab-node ------------------------------------------------------------------
  const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), ringBytes: RING_BYTES, config: { bench: 'per-call' } });
  const ring = ringOf(run);
  swanlab.log(rec); // interns "loss" and "acc": every timed call takes the known-keys path

  // As a user writes it in an ES module: `import * as swanlab from 'swanlab-node'`.
  function swanlabLog(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      swanlab.log(rec);
    }
  }
  function runLog(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      run.log(rec);
    }
  }

  // --- floor: the least a shared-memory logger can do -----------------------------------
  // A 24-byte frame (u32 length, u32 kind|count, loss f64, acc f64) into a SharedArrayBuffer
  // ring of the same size as swanlab's, then one Atomics.store of the head. Keys are read by
  // name, nothing is validated and nobody consumes it: no logger of {loss, acc} is cheaper.
  const floorSab = new SharedArrayBuffer(256 + RING_BYTES);
  const floorCtrl = new Int32Array(floorSab, 0, 64);
  const floorU32 = new Uint32Array(floorSab, 256);
  const floorF64 = new Float64Array(floorSab, 256);
  let floorHead = 0;
  function floorWrite(r: Rec): void {
    const pos = floorHead + 24 > RING_BYTES ? 0 : floorHead;
    floorU32[pos >> 2] = 24;
    floorU32[(pos >> 2) + 1] = 2 | (2 << 8);
    floorF64[(pos >> 3) + 1] = r.loss;
    floorF64[(pos >> 3) + 2] = r.acc;
    floorHead = pos + 24;
    Atomics.store(floorCtrl, 0, floorHead);
  }
  function floor(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      floorWrite(rec);
    }
  }

  // --- an empty function call (V8 inlines it: this is the batch loop's own cost) --------
  let sink = 0;
  function empty(r: Rec): void {
    if (r.loss < -1) sink++;
  }
  function emptyCall(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      empty(rec);
    }
  }

  // --- worker.postMessage to a worker that appends JSON lines to a file -------------------
  const pmFile = path.join(tmp.dir, 'postmessage.jsonl');
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const fs = require('node:fs');
     const fd = fs.openSync(workerData.file, 'a');
     let lines = [];
     let count = 0;
     parentPort.on('message', (m) => {
       if (m === 'close') {
         if (lines.length) fs.writeSync(fd, lines.join('\\n') + '\\n');
         fs.closeSync(fd);
         parentPort.postMessage(count);
         return;
       }
       count++;
       lines.push(JSON.stringify(m));
       if (lines.length >= 1000) { fs.writeSync(fd, lines.join('\\n') + '\\n'); lines = []; }
     });`,
    { eval: true, workerData: { file: pmFile }, execArgv: [] },
  );
  let posted = 0;
  function postMessage(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      worker.postMessage(rec);
    }
    posted += n;
  }

  // --- fs.writeSync of one JSON line -------------------------------------------------------
  const fd = fs.openSync(path.join(tmp.dir, 'writesync.jsonl'), 'a');
  function writeSync(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      fs.writeSync(fd, JSON.stringify(rec) + '\n');
    }
  }

  const variants: { name: string; label: string; fn: (n: number, x: number) => void }[] = [
    { name: 'swanlab.log', label: 'swanlab-node `swanlab.log(rec)`', fn: swanlabLog },
    { name: 'run.log', label: 'swanlab-node `run.log(rec)`', fn: runLog },
    { name: 'floor', label: 'floor: 24 B frame into a SAB + `Atomics.store`', fn: floor },
    { name: 'empty', label: 'empty function call (inlined)', fn: emptyCall },
    { name: 'postMessage', label: '`worker.postMessage(rec)` (worker appends to a file)', fn: postMessage },
    { name: 'writeSync', label: '`fs.writeSync(fd, JSON.stringify(rec) + "\\n")`', fn: writeSync },
  ];
  const samples: number[][] = variants.map(() => []);

  let paceWaits = 0;
  let peakUsed = 0;
  // Keep the swanlab ring under a quarter full, waiting untimed for the worker when it is not,
  // so no timed log() ever meets a full ring (which would make it wait for space).
  const pace = (): void => {
    let used = ring.usedBytes();
    if (used > peakUsed) peakUsed = used;
    if (used <= ring.capacity / 4) return;
    paceWaits++;
    const deadline = Date.now() + 10_000;
    while (used > ring.capacity / 8) {
      if (Date.now() > deadline) throw new Error(`bench: the worker left ${used} bytes in the ring for 10 s`);
      sleepSync(1);
      used = ring.usedBytes();
    }
  };

  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const timed = round >= WARMUP_ROUNDS;
    for (let j = 0; j < variants.length; j++) {
      const v = (round + j) % variants.length;
      if (v <= 1) pace();
      const fn = variants[v]!.fn;
      const t0 = process.hrtime.bigint();
      fn(BATCH, round);
      const t1 = process.hrtime.bigint();
      if (timed) samples[v]!.push(Number(t1 - t0) / BATCH);
    }
  }

  fs.closeSync(fd);
  const delivered = await new Promise<number>((resolve) => {
    worker.once('message', (count: number) => resolve(count));
    worker.postMessage('close');
  });
  await worker.terminate();
  await swanlab.finish();
  tmp.remove();
  if (delivered !== posted) throw new Error(`bench: the postMessage worker got ${delivered} of ${posted} messages`);
  if (sink !== 0) throw new Error('bench: loss went below -1');

  const swanMedian = quantile(sorted(samples[0]!), 0.5);
  const rows: PerCallRow[] = variants.map((v, i) => {
    const s = sorted(samples[i]!);
    const medianNs = quantile(s, 0.5);
    return { name: v.name, label: v.label, medianNs, p99Ns: quantile(s, 0.99), meanNs: mean(s), ratio: medianNs / swanMedian, batches: s.length };
  });
  const result: PerCallResult = {
    batch: BATCH,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    ringBytes: RING_BYTES,
    ringPeakFill: peakUsed / ring.capacity,
    paceWaits,
    postMessageDelivered: delivered,
    rows,
  };
  report(result);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
