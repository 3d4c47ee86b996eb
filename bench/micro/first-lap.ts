/**
 * Micro-bench: what page faults cost a training loop that logs 4 metrics an iteration into a
 * ring's first lap, and what RingReader.prefault() / remap() save. Each arm writes one lap of
 * a fresh 8 MiB ring (88-byte frames, the compiled writer's store pattern) from a loop that
 * does ~3 µs of arithmetic an iteration, like the bench's tight training loop:
 *
 *   fresh      nothing mapped the ring: the loop's stores take a fault every 4 KiB
 *   prefaulted RingReader.prefault() mapped the lap first (the worker does it, off this thread)
 *   forked     mapped, then a child process was started: fork() write-protected every page
 *   remapped   the same, then RingReader.remap() mapped it again
 *
 * against the loop without stores. Prints ns per iteration added, and the page faults this
 * thread took per lap (Linux: /proc/self/task).
 *
 *   npm run build && node --import tsx bench/micro/first-lap.ts
 *
 * It loads the built modules (dist/cjs), as the worker runs them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createSharedRing } from '../../dist/cjs/shared/layout.js';
import { RingReader } from '../../dist/cjs/shared/ring.js';
import { MAIN_THREAD_STAT, mainThreadMinorFaults } from '../../test/fixtures/proc-stat.cjs';

const RING = 8 << 20;
const FRAME = 88;
const ITERATIONS = Math.floor(RING / FRAME) - 16;
const TRIALS = 5;
const minorFaults = (): number => (fs.existsSync(MAIN_THREAD_STAT) ? mainThreadMinorFaults() : NaN);

let sink = 0;
/** One lap: ~3 µs of arithmetic an iteration, then (with a ring) the frame's stores. */
function lap(u32: Uint32Array | undefined, f64: Float64Array | undefined): number {
  let x = 0.5;
  for (let it = 0; it < ITERATIONS; it++) {
    for (let j = 0; j < 80; j++) x = Math.tanh(x * 1.0001 + 0.3);
    if (u32 !== undefined && f64 !== undefined) {
      const w = (it * FRAME) >> 2;
      const d = (it * FRAME) >> 3;
      u32[w] = FRAME;
      u32[w + 1] = 2 | (4 << 8);
      f64[d + 1] = it;
      f64[d + 2] = -1;
      for (let k = 0; k < 4; k++) {
        u32[w + 6 + 4 * k] = k;
        f64[d + 4 + 2 * k] = x;
      }
    }
  }
  return x;
}

type Arm = 'none' | 'fresh' | 'prefaulted' | 'forked' | 'remapped';
const ARMS: Arm[] = ['none', 'fresh', 'prefaulted', 'forked', 'remapped'];
const ns: Record<Arm, number[]> = { none: [], fresh: [], prefaulted: [], forked: [], remapped: [] };
const faults: Record<Arm, number[]> = { none: [], fresh: [], prefaulted: [], forked: [], remapped: [] };

for (let t = -1; t < TRIALS; t++) {
  for (const arm of t % 2 === 0 ? ARMS : [...ARMS].reverse()) {
    const sab = createSharedRing(RING);
    const reader = new RingReader(sab);
    if (arm !== 'fresh' && arm !== 'none') reader.prefault(RING);
    if (arm === 'forked' || arm === 'remapped') spawnSync(process.execPath, ['-e', '']);
    if (arm === 'remapped') {
      reader.remap();
      reader.prefault(RING);
    }
    const f0 = minorFaults();
    const t0 = process.hrtime.bigint();
    sink += lap(arm === 'none' ? undefined : reader.u32, arm === 'none' ? undefined : reader.f64);
    const elapsed = Number(process.hrtime.bigint() - t0) / ITERATIONS;
    // The first trial warms the loop up (its optimized code) and is not counted.
    if (t >= 0) {
      ns[arm].push(elapsed);
      faults[arm].push(minorFaults() - f0);
    }
  }
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const base = median(ns.none);
console.log(`Node ${process.version}: one lap of an 8 MiB ring, ${ITERATIONS} iterations of ${base.toFixed(0)} ns, medians of ${TRIALS} trials`);
for (const arm of ARMS.slice(1)) {
  const added = median(ns[arm].map((x, i) => x - ns.none[i]!));
  console.log(`  ${arm.padEnd(10)} +${added.toFixed(1)} ns an iteration (${((added / base) * 100).toFixed(2)} %), ${median(faults[arm])} page faults on this thread`);
}
if (sink === 42) console.log(sink);
