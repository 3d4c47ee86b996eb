/**
 * Micro-bench: what a child process started from another thread costs a loop that keeps
 * rewriting its memory, the reason the GPU monitor starts one nvidia-smi per run
 * (src/worker/probe/nvidia-stream.ts) rather than one per sample. Starting a child forks the
 * process, fork() write-protects every private page, and the loop's next write to each page
 * faults. The loop writes once into each 4 KiB page of a 256 MiB Float64Array (a model's
 * working set, swept far faster than any model would), while a worker thread starts `true`
 * every SPAWN_MS; prints ms per sweep without and with the spawns.
 *
 *   node --import tsx bench/micro/spawn-faults.ts [SPAWN_MS …]   (default: 1000 200)
 *
 * Node 20, a spawn every 200 ms: 0.79 → 1.17 ms a sweep (+48 %) on this project's 2-core VM,
 * 0.49 → 0.62 (+27 %) on a 16-core H200 machine; 54-96 ms of the loop's time per spawn. Every
 * second: −6 … +12 % in single runs, within their noise.
 */
import { Worker } from 'node:worker_threads';

const MIB = 256;
const RUN_MS = 10_000;
const a = new Float64Array((MIB << 20) / 8);
a.fill(1);

/** One write into each 4 KiB page. */
function sweep(): void {
  for (let i = 0; i < a.length; i += 512) a[i]! += 1;
}

/** ms per sweep over `ms` of sweeps. */
function sweepsFor(ms: number): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    sweep();
    n++;
  }
  return (performance.now() - t0) / n;
}

async function main(): Promise<void> {
  const periods = process.argv.slice(2).map(Number);
  sweepsFor(500);
  console.log(`Node ${process.version}: ms per sweep of ${MIB} MiB (a write per page), ${RUN_MS / 1000} s each`);
  for (const spawnMs of periods.length > 0 ? periods : [1000, 200]) {
    const quiet = sweepsFor(RUN_MS);
    const spawner = new Worker(`const { execFile } = require('node:child_process'); setInterval(() => execFile('true'), ${spawnMs});`, { eval: true });
    await new Promise((resolve) => spawner.once('online', resolve));
    const busy = sweepsFor(RUN_MS);
    await spawner.terminate();
    console.log(`no spawns ${quiet.toFixed(2)}, a spawn every ${spawnMs} ms ${busy.toFixed(2)} (${((busy / quiet - 1) * 100).toFixed(1)} %)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
