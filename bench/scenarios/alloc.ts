/**
 * Main-thread heap allocation per call, keys already seen, one variant per process:
 *
 *   node --import tsx bench/scenarios/alloc.ts <swanlab|floor|postMessage|writeSync> <calls>
 *
 * Method (no --expose-gc): warm the batch function up until TurboFan has optimized it, then
 * run `calls` calls under v8.GCProfiler. Bytes allocated = growth of used heap over the
 * window + what every GC in the window freed (each GC's used size before minus after).
 * Scavenges are counted too: a path that allocates nothing triggers none. `floor` is the
 * method's control (it cannot allocate); `postMessage` shows what an allocating path reads as.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import * as swanlab from 'swanlab-node';
import { QUICK, report, ringOf, runMain, sleepSync, tempDir, type Rec } from '../lib/common.js';

const variant = process.argv[2] ?? 'swanlab';
const CALLS = Number(process.argv[3] ?? (QUICK ? 200_000 : 1_000_000));
const BATCH = 1000;
const WARMUP_CALLS = QUICK ? 50_000 : 300_000;

export interface AllocResult {
  name: string;
  calls: number;
  bytesPerCall: number;
  allocatedBytes: number;
  scavenges: number;
  markSweeps: number;
  gcPauseMs: number;
  nsPerCall: number;
}

interface GcStat {
  gcType: string;
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

async function main(): Promise<void> {
  const tmp = tempDir('swanlab-bench-alloc-');
  const rec: Rec = { loss: 0.5, acc: 0.5 };
  let batch: (n: number, x: number) => void;
  let pace: () => void = () => {};
  let close: () => Promise<void> = async () => {};

  switch (variant) {
    case 'swanlab': {
      // 64 MiB of ring holds 1.2 M calls: log() never waits for space, whatever the worker does.
      const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), ringBytes: 1 << 26, mode: 'offline', config: { bench: 'alloc' } });
      const ring = ringOf(run);
      swanlab.log(rec);
      batch = (n, x) => {
        for (let i = 0; i < n; i++) {
          rec.loss = x + i * 1e-9;
          rec.acc = 1 - rec.loss;
          swanlab.log(rec);
        }
      };
      pace = () => {
        while (ring.usedBytes() > ring.capacity / 8) sleepSync(1);
      };
      close = () => swanlab.finish();
      break;
    }
    case 'floor': {
      const sab = new SharedArrayBuffer(256 + (1 << 24));
      const ctrl = new Int32Array(sab, 0, 64);
      const u32 = new Uint32Array(sab, 256);
      const f64 = new Float64Array(sab, 256);
      let head = 0;
      batch = (n, x) => {
        for (let i = 0; i < n; i++) {
          rec.loss = x + i * 1e-9;
          rec.acc = 1 - rec.loss;
          const pos = head + 24 > 1 << 24 ? 0 : head;
          u32[pos >> 2] = 24;
          u32[(pos >> 2) + 1] = 2 | (2 << 8);
          f64[(pos >> 3) + 1] = rec.loss;
          f64[(pos >> 3) + 2] = rec.acc;
          head = pos + 24;
          Atomics.store(ctrl, 0, head);
        }
      };
      break;
    }
    case 'postMessage': {
      const worker = new Worker(
        `const { parentPort } = require('node:worker_threads');
         let n = 0;
         parentPort.on('message', (m) => { if (m === 'close') parentPort.postMessage(n); else n++; });`,
        { eval: true, execArgv: [] },
      );
      batch = (n, x) => {
        for (let i = 0; i < n; i++) {
          rec.loss = x + i * 1e-9;
          rec.acc = 1 - rec.loss;
          worker.postMessage(rec);
        }
      };
      close = async () => {
        await new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.postMessage('close');
        });
        await worker.terminate();
      };
      break;
    }
    case 'writeSync': {
      const fd = fs.openSync(path.join(tmp.dir, 'lines.jsonl'), 'a');
      batch = (n, x) => {
        for (let i = 0; i < n; i++) {
          rec.loss = x + i * 1e-9;
          rec.acc = 1 - rec.loss;
          fs.writeSync(fd, JSON.stringify(rec) + '\n');
        }
      };
      close = async () => fs.closeSync(fd);
      break;
    }
    default:
      throw new Error(`alloc.ts: unknown variant ${variant}`);
  }

  for (let i = 0; i < WARMUP_CALLS / BATCH; i++) {
    batch(BATCH, i);
    pace();
  }
  pace();

  const profiler = new v8.GCProfiler();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS / BATCH; i++) batch(BATCH, i);
  const t1 = process.hrtime.bigint();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  const stats = (profiler.stop()?.statistics ?? []) as GcStat[];

  let freed = 0;
  let scavenges = 0;
  let markSweeps = 0;
  let gcPauseUs = 0;
  for (const s of stats) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    gcPauseUs += s.cost;
    if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkSweep' || s.gcType === 'MinorMarkCompact') scavenges++;
    else if (s.gcType === 'MarkSweepCompact') markSweeps++;
  }
  const allocated = Math.max(0, usedAfter - usedBefore + freed);
  await close();
  tmp.remove();
  const result: AllocResult = {
    name: variant,
    calls: CALLS,
    bytesPerCall: allocated / CALLS,
    allocatedBytes: allocated,
    scavenges,
    markSweeps,
    gcPauseMs: gcPauseUs / 1000,
    nsPerCall: Number(t1 - t0) / CALLS,
  };
  report(result);
}

runMain(main);
