/**
 * Memory against the point count, in one process (run with --expose-gc): log({loss, acc})
 * with default options until 100 million points, and at 1, 10 and 100 million wait (untimed)
 * for the worker to empty the ring, collect the main thread's garbage, and take RSS (both
 * threads) and the main heap. Peak RSS is also sampled every 65 536 calls. The run file
 * (~6 GB at 100 M points) goes to a temporary folder, removed at the end.
 *
 *   node --expose-gc --import tsx bench/scenarios/memory.ts [points,points,…]
 */
import fs from 'node:fs';
import path from 'node:path';
import * as swanlab from 'swanlab-node';
import { Slot, WorkerState } from '../../src/shared/layout.js';
import { QUICK, report, ringOf, runFileMiB, runMain, sleepSync, tempDir, tick } from '../lib/common.js';

const CHECKPOINTS = (process.argv[2] ?? (QUICK ? '20000,200000,400000' : '1000000,10000000,100000000')).split(',').map(Number);
const MiB = 2 ** 20;

export interface MemoryCheckpoint {
  points: number;
  /** Seconds since the first log(), including the untimed waits at earlier checkpoints. */
  seconds: number;
  rssMiB: number;
  /** Main-thread heap after a full GC (the worker's heap is inside RSS). */
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** Memory outside the JS heap that V8 knows of: the ring (a SharedArrayBuffer) is here. */
  externalMiB: number;
  /** Largest RSS sampled since the previous checkpoint. */
  rssPeakMiB: number;
  /**
   * RSS split as Linux counts it (/proc/self/status; -1 elsewhere): anonymous memory (heaps,
   * the ring, JIT code, malloc), file-backed pages (the node binary and libraries as they are
   * touched) and shared memory.
   */
  rssAnonMiB: number;
  rssFileMiB: number;
  rssShmemMiB: number;
}

export interface MemoryResult {
  rssBeforeInitMiB: number;
  /** Once the worker was running, before the first log(). */
  rssStartMiB: number;
  heapUsedStartMiB: number;
  checkpoints: MemoryCheckpoint[];
  finishSeconds: number;
  runFileMiB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** RssAnon, RssFile and RssShmem of /proc/self/status in MiB, or -1 each where there is none. */
function rssParts(): { anon: number; file: number; shmem: number } {
  let status = '';
  try {
    status = fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return { anon: -1, file: -1, shmem: -1 };
  }
  const kib = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : -1;
  };
  return { anon: kib('RssAnon'), file: kib('RssFile'), shmem: kib('RssShmem') };
}

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('memory.ts needs node --expose-gc');
  const tmp = tempDir('swanlab-bench-memory-');
  try {
    const rssBeforeInit = process.memoryUsage.rss();
    const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), mode: 'offline', config: { bench: 'memory' } });
    const ring = ringOf(run);
    for (let waited = 0; Atomics.load(ring.ctrl, Slot.STATE) !== WorkerState.RUNNING; waited += 5) {
      if (waited > 10_000) throw new Error('bench: the worker did not start within 10 s');
      await tick(5);
    }
    gc();
    const start = process.memoryUsage();

    const rec = { loss: 0, acc: 0 };
    const checkpoints: MemoryCheckpoint[] = [];
    let calls = 0;
    let peak = start.rss;
    const t0 = process.hrtime.bigint();
    for (const points of CHECKPOINTS) {
      const until = points / 2;
      for (; calls < until; calls++) {
        rec.loss = 1 / (1 + calls);
        rec.acc = calls / until;
        swanlab.log(rec);
        if ((calls & 0xffff) === 0xffff) {
          const r = process.memoryUsage.rss();
          if (r > peak) peak = r;
        }
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      // Untimed: let the worker empty the ring, so each checkpoint is taken in the same state.
      for (const deadline = Date.now() + 60_000; ring.usedBytes() > 0; sleepSync(1)) {
        if (Date.now() > deadline) throw new Error('bench: the worker did not drain the ring within 60 s');
      }
      gc();
      const m = process.memoryUsage();
      const parts = rssParts();
      if (m.rss > peak) peak = m.rss;
      checkpoints.push({
        points,
        seconds,
        rssMiB: m.rss / MiB,
        heapUsedMiB: m.heapUsed / MiB,
        heapTotalMiB: m.heapTotal / MiB,
        externalMiB: m.external / MiB,
        rssPeakMiB: peak / MiB,
        rssAnonMiB: parts.anon,
        rssFileMiB: parts.file,
        rssShmemMiB: parts.shmem,
      });
      console.error(`bench: memory, ${points.toLocaleString('en-US')} points: RSS ${(m.rss / MiB).toFixed(1)} MiB (anon ${parts.anon.toFixed(1)}, file ${parts.file.toFixed(1)}), heap ${(m.heapUsed / MiB).toFixed(1)} MiB`);
      peak = m.rss;
    }
    const t1 = process.hrtime.bigint();
    await swanlab.finish();
    const finishSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const runFileSize = runFileMiB(run.dir);
    const result: MemoryResult = {
      rssBeforeInitMiB: rssBeforeInit / MiB,
      rssStartMiB: start.rss / MiB,
      heapUsedStartMiB: start.heapUsed / MiB,
      checkpoints,
      finishSeconds,
      runFileMiB: runFileSize,
    };
    report(result);
  } finally {
    tmp.remove();
  }
}

runMain(main);
