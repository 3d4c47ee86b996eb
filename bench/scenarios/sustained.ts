/**
 * Sustained load: log({loss, acc}) at 1 million calls a second for 30 seconds, default
 * options, while the worker writes the run file (~3.6 GB, in a temporary folder removed at
 * the end). Each millisecond slot makes 1000 calls, each timed on its own (hrtime.bigint
 * before and after), then spins until the next slot; a slot that starts late (the loop was
 * stalled) starts at once, so the count stays exact.
 *
 * A single call is shorter than the clock: every latency includes one clock read. So every
 * 10th call also times an empty pair of clock reads, under the same conditions: that row is
 * the harness's own latency. The clock allocates a BigInt per read (log() allocates nothing:
 * the "Heap allocated per call" section), so the scavenges counted here are the harness's,
 * and one can land inside a timed call: every call over 10 µs is checked against the GC
 * entries of a PerformanceObserver, and the worst call with no GC inside is reported apart.
 *
 *   node --import tsx bench/scenarios/sustained.ts [seconds] [calls per second]
 */
import path from 'node:path';
import { PerformanceObserver, constants as perf, performance } from 'node:perf_hooks';
import * as swanlab from 'swanlab-node';
import { Slot, WorkerState } from '../../src/shared/layout.js';
import { QUICK, report, ringOf, runFileMiB, runMain, tempDir, tick } from '../lib/common.js';

const SECONDS = Number(process.argv[2] ?? (QUICK ? 1 : 30));
const RATE = Number(process.argv[3] ?? (QUICK ? 200_000 : 1_000_000));
const WARMUP_SECONDS = QUICK ? 0.2 : 2;
const CALLS_PER_SLOT = Math.round(RATE / 1000);
const CONTROL_EVERY = 10;

/** Latency distribution of single calls, ns (1-ns bins up to 100 µs, exact values beyond). */
export interface LatencyStats {
  count: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  p9999Ns: number;
  maxNs: number;
  over10us: number;
  over100us: number;
  over1ms: number;
}

export interface SustainedResult {
  seconds: number;
  targetCallsPerSec: number;
  achievedCallsPerSec: number;
  calls: number;
  points: number;
  ringBytes: number;
  /** Largest fraction of the ring in use, sampled every 16 slots: 1.0 would mean log() waited for room. */
  ringPeakFill: number;
  log: LatencyStats;
  /** An empty pair of clock reads, every 10th call: the harness's own latency. */
  timerPair: LatencyStats;
  /** log() calls over 10 µs with a GC pause inside them (the harness's garbage: log() makes none). */
  logOver10usWithGc: number;
  /** The worst log() call with no GC pause inside it. */
  logWorstWithoutGcNs: number;
  /** Slots that started more than 1 ms late, and the latest one (ms): stalls of the whole loop. */
  lateSlots: number;
  maxLateMs: number;
  scavenges: number;
  markSweeps: number;
  gcMaxPauseMs: number;
  gcTotalPauseMs: number;
  finishSeconds: number;
  runFileMiB: number;
}

const BINS = 100_000;

class Histogram {
  readonly counts = new Uint32Array(BINS);
  readonly beyond: number[] = [];
  count = 0;
  max = 0;

  add(ns: number): void {
    this.count++;
    if (ns > this.max) this.max = ns;
    if (ns < BINS) this.counts[ns < 0 ? 0 : ns]!++;
    else this.beyond.push(ns);
  }

  /** The largest value recorded that is at most `ns` (< 100 µs). */
  largestAtMost(ns: number): number {
    for (let i = Math.min(ns, BINS - 1); i >= 0; i--) if (this.counts[i]! > 0) return i;
    return 0;
  }

  quantile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i;
    }
    const rest = [...this.beyond].sort((a, b) => a - b);
    return rest[rank - seen - 1] ?? this.max;
  }

  stats(): LatencyStats {
    const over = (ns: number): number => {
      let n = this.beyond.filter((x) => x > ns).length;
      for (let i = ns + 1; i < BINS && ns < BINS; i++) n += this.counts[i]!;
      return n;
    };
    return {
      count: this.count,
      p50Ns: this.quantile(0.5),
      p99Ns: this.quantile(0.99),
      p999Ns: this.quantile(0.999),
      p9999Ns: this.quantile(0.9999),
      maxNs: this.max,
      over10us: over(10_000),
      over100us: over(100_000),
      over1ms: over(1_000_000),
    };
  }
}

/** A GC pause on the hrtime.bigint() clock, ns. */
interface GcPause {
  start: number;
  end: number;
  kind: number;
}

/** Watch GC pauses (PerformanceObserver 'gc' entries, moved onto the hrtime clock). */
function watchGc(): { pauses: GcPause[]; stop: () => Promise<void> } {
  const pauses: GcPause[] = [];
  // performance.now() counts from timeOrigin on the same monotonic clock as hrtime.
  const offsetNs = Number(process.hrtime.bigint()) - performance.now() * 1e6;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const start = e.startTime * 1e6 + offsetNs;
      pauses.push({ start, end: start + e.duration * 1e6, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    pauses,
    // Entries are delivered on a later event-loop turn: let it come before disconnecting.
    stop: async () => {
      await tick(20);
      observer.disconnect();
      pauses.sort((a, b) => a.start - b.start);
    },
  };
}

/** Iterations of an integer-adding loop that take about 5 µs here. */
function calibrateSpin(): number {
  let sink = 0;
  const n = 1_000_000;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < n; k++) sink += k;
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  if (sink < 0) throw new Error('unreachable');
  return Math.max(1, Math.round((n * 5000) / best));
}

async function main(): Promise<void> {
  const tmp = tempDir('swanlab-bench-sustained-');
  try {
    const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), mode: 'offline', config: { bench: 'sustained', rate: RATE } });
    const ring = ringOf(run);
    for (let waited = 0; Atomics.load(ring.ctrl, Slot.STATE) !== WorkerState.RUNNING; waited += 5) {
      if (waited > 10_000) throw new Error('bench: the worker did not start within 10 s');
      await tick(5);
    }
    const rec = { loss: 0, acc: 0 };
    let spun = 0;
    const spinPer5us = calibrateSpin();
    let calls = 0;
    let peakUsed = 0;
    /** Start (hrtime ns) and length of each log() call over 10 µs, flat. */
    let slow: number[] = [];
    let lateSlots = 0;
    let maxLateNs = 0;

    function phase(seconds: number, logHist: Histogram, ctlHist: Histogram): void {
      const hr = process.hrtime.bigint;
      const slots = Math.round(seconds * 1000);
      const start = hr();
      for (let slot = 0; slot < slots; slot++) {
        const slotStart = start + BigInt(slot) * 1_000_000n;
        let now = hr();
        if (now < slotStart) {
          // Busy until the slot, as a training loop keeps its core, reading the clock every
          // ~5 µs only: each read allocates, and the harness should make as little garbage as it can.
          while (now < slotStart) {
            for (let k = 0; k < spinPer5us; k++) spun += k;
            now = hr();
          }
        } else {
          const late = Number(now - slotStart);
          if (late > 1_000_000) lateSlots++;
          if (late > maxLateNs) maxLateNs = late;
        }
        for (let i = 0; i < CALLS_PER_SLOT; i++) {
          rec.loss = 1 / (1 + calls);
          rec.acc = i / CALLS_PER_SLOT;
          const t0 = hr();
          swanlab.log(rec);
          const t1 = hr();
          const d = Number(t1 - t0);
          logHist.add(d);
          if (d > 10_000 && slow.length < 200_000) slow.push(Number(t0), d);
          calls++;
          if (i % CONTROL_EVERY === 0) {
            const c0 = hr();
            const c1 = hr();
            ctlHist.add(Number(c1 - c0));
          }
        }
        if ((slot & 15) === 0) {
          const used = ring.usedBytes();
          if (used > peakUsed) peakUsed = used;
        }
      }
    }

    phase(WARMUP_SECONDS, new Histogram(), new Histogram());
    if (spun < 0) throw new Error('unreachable: keeps the spin loop from being optimized away');
    calls = 0;
    peakUsed = 0;
    lateSlots = 0;
    maxLateNs = 0;
    slow = [];
    const logHist = new Histogram();
    const ctlHist = new Histogram();
    const gc = watchGc();
    const t0 = process.hrtime.bigint();
    phase(SECONDS, logHist, ctlHist);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await gc.stop();
    const pauses = gc.pauses;
    // Which slow calls had a GC pause inside them (both lists are in time order).
    let withGc = 0;
    let worstWithoutGc = 0;
    for (let i = 0, g = 0; i < slow.length; i += 2) {
      const start = slow[i]!;
      const end = start + slow[i + 1]!;
      while (g < pauses.length && pauses[g]!.end < start) g++;
      if (g < pauses.length && pauses[g]!.start < end) withGc++;
      else worstWithoutGc = Math.max(worstWithoutGc, slow[i + 1]!);
    }
    const t1 = process.hrtime.bigint();
    await swanlab.finish();
    const finishSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const runFileSize = runFileMiB(run.dir);

    const result: SustainedResult = {
      seconds,
      targetCallsPerSec: RATE,
      achievedCallsPerSec: calls / seconds,
      calls,
      points: calls * 2,
      ringBytes: ring.capacity,
      ringPeakFill: peakUsed / ring.capacity,
      log: logHist.stats(),
      timerPair: ctlHist.stats(),
      logOver10usWithGc: withGc,
      logWorstWithoutGcNs: Math.max(worstWithoutGc, logHist.largestAtMost(10_000)),
      lateSlots,
      maxLateMs: maxLateNs / 1e6,
      scavenges: pauses.filter((g) => g.kind === perf.NODE_PERFORMANCE_GC_MINOR).length,
      markSweeps: pauses.filter((g) => g.kind === perf.NODE_PERFORMANCE_GC_MAJOR).length,
      gcMaxPauseMs: pauses.reduce((m, g) => Math.max(m, g.end - g.start), 0) / 1e6,
      gcTotalPauseMs: pauses.reduce((sum, g) => sum + (g.end - g.start), 0) / 1e6,
      finishSeconds,
      runFileMiB: runFileSize,
    };
    report(result);
  } finally {
    tmp.remove();
  }
}

runMain(main);
