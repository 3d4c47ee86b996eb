/**
 * End to end in its own process: `calls` × log({loss, acc}) (2 points each) into a run with
 * default options (8 MiB ring: log() waits for space when the worker falls behind, as a
 * user's would), timed from the first log() to the resolution of finish(), when every record
 * is written and fsynced. RSS (which counts the worker thread too) is sampled before init(),
 * once the worker is running, every 65 536 calls, and after finish().
 *
 *   node --import tsx bench/scenarios/end-to-end.ts <calls>
 *
 * With at most VERIFY_MAX_POINTS points it also reads the run file back and counts the
 * scalar records, so a smoke run proves every point arrived.
 */
import path from 'node:path';
import * as swanlab from 'swanlab-node';
import { Slot, WorkerState } from '../../src/shared/layout.js';
import { QUICK, report, ringOf, runFileMiB, runMain, tempDir, tick, type Rec } from '../lib/common.js';

const CALLS = Number(process.argv[2] ?? (QUICK ? 50_000 : 5_000_000));
const VERIFY_MAX_POINTS = 200_000;
const MiB = 2 ** 20;

export interface EndToEndResult {
  calls: number;
  points: number;
  seconds: number;
  pointsPerSec: number;
  /** Seconds the main thread spent in the log() loop (including waits for ring space). */
  logLoopSeconds: number;
  /** Seconds from the last log() to finish() resolving. */
  finishSeconds: number;
  ringBytes: number;
  rssBeforeInitMiB: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  /** Peak RSS during the run minus RSS once the worker was running: what the points cost. */
  rssGrowthMiB: number;
  runFileMiB: number;
  /** Scalar records read back from the run file, or -1 when the run is too big to read back here. */
  verifiedPoints: number;
}

async function main(): Promise<void> {
  const tmp = tempDir('swanlab-bench-e2e-');
  const rss = (): number => process.memoryUsage.rss();
  const rssBeforeInit = rss();
  const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), mode: 'offline', config: { bench: 'end-to-end', calls: CALLS } });
  const ring = ringOf(run);
  // Start the clock on a running worker: its start-up (a new V8 isolate) is init()'s cost, not the points'.
  for (let waited = 0; Atomics.load(ring.ctrl, Slot.STATE) !== WorkerState.RUNNING; waited += 5) {
    if (waited > 10_000) throw new Error('bench: the worker did not start within 10 s');
    await tick(5);
  }
  const rssStart = rss();
  let rssPeak = rssStart;

  const rec: Rec = { loss: 0, acc: 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    rec.loss = 1 / (1 + i);
    rec.acc = i / CALLS;
    swanlab.log(rec);
    if ((i & 0xffff) === 0xffff) {
      const r = rss();
      if (r > rssPeak) rssPeak = r;
    }
  }
  const t1 = process.hrtime.bigint();
  await swanlab.finish();
  const t2 = process.hrtime.bigint();
  const rssEnd = rss();
  if (rssEnd > rssPeak) rssPeak = rssEnd;

  const runFileSize = runFileMiB(run.dir);
  let verifiedPoints = -1;
  if (CALLS * 2 <= VERIFY_MAX_POINTS) {
    verifiedPoints = 0;
    // Only the bench's own metrics: the worker may add its own (hardware monitor).
    for (const r of swanlab.readRun(run.dir)) if (r.recordType.case === 'scalar' && (r.recordType.value.key === 'loss' || r.recordType.value.key === 'acc')) verifiedPoints++;
  }
  tmp.remove();

  const seconds = Number(t2 - t0) / 1e9;
  const result: EndToEndResult = {
    calls: CALLS,
    points: CALLS * 2,
    seconds,
    pointsPerSec: (CALLS * 2) / seconds,
    logLoopSeconds: Number(t1 - t0) / 1e9,
    finishSeconds: Number(t2 - t1) / 1e9,
    ringBytes: ring.capacity,
    rssBeforeInitMiB: rssBeforeInit / MiB,
    rssStartMiB: rssStart / MiB,
    rssPeakMiB: rssPeak / MiB,
    rssEndMiB: rssEnd / MiB,
    rssGrowthMiB: (rssPeak - rssStart) / MiB,
    runFileMiB: runFileSize,
    verifiedPoints,
  };
  report(result);
}

runMain(main);
