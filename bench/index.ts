/**
 * `npm run bench`: swanlab-node's numbers beside what they are weighed against, in one run.
 *
 *   1. main-thread ns per log() call, interleaved with the floor, an empty call, @wandb/sdk
 *      (offline), pino's worker transport, worker.postMessage and fs.writeSync, for {loss, acc},
 *      a 32-key record and a first-time key (bench/scenarios/per-call.ts);
 *   2. heap bytes allocated per call once keys are known (bench/scenarios/alloc.ts);
 *   3. end-to-end points per second to a fsynced run file, and RSS, at two point counts
 *      (bench/scenarios/end-to-end.ts), and the exit flush with points in the ring
 *      (bench/scenarios/exit-flush.ts);
 *   4. RSS and heap at 1, 10 and 100 million points (bench/scenarios/memory.ts);
 *   5. training-loop overhead, a hand-written loop and tfjs model.fit (bench/scenarios/training.ts);
 *   6. sustained load: 1 M log() calls a second for 30 s (bench/scenarios/sustained.ts).
 *
 * Each scenario runs in its own process. Prints Markdown to stdout and writes
 * `bench/results/<YYYY-MM-DD>-<node version>.json` (+ `.md`), or into `BENCH_OUT_DIR`.
 * `BENCH_QUICK=1`: tiny counts (a smoke run of under a minute; its numbers mean nothing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUICK, ROOT, machineInfo, runMain, runScenario } from './lib/common.js';
import { markdown, targets, type BenchReport } from './lib/report.js';
import type { PerCallResult } from './scenarios/per-call.js';
import type { AllocResult } from './scenarios/alloc.js';
import type { EndToEndResult } from './scenarios/end-to-end.js';
import type { ExitFlushResult } from './scenarios/exit-flush.js';
import type { MemoryResult } from './scenarios/memory.js';
import type { TrainingResult } from './scenarios/training.js';
import type { SustainedResult } from './scenarios/sustained.js';

export type { BenchReport, TargetResult } from './lib/report.js';

const ALLOC_VARIANTS = ['swanlab', 'floor', 'postMessage', 'writeSync'] as const;
const ALLOC_CALLS = QUICK ? 200_000 : 1_000_000;
/** log() calls of the two end-to-end runs (2 points each): 1 M and 10 M points. */
const E2E_CALLS = QUICK ? [10_000, 50_000] : [500_000, 5_000_000];
/** Points in the ring at process.exit(): none (the flush's fixed part), then 1 M. */
const EXIT_POINTS = QUICK ? [0, 20_000] : [0, 1_000_000];

const int = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  console.error(`bench: Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAvg1m.toFixed(2)}${QUICK ? ', quick' : ''}`);

  console.error('bench: per call, {loss, acc} (interleaved)…');
  const perCall = await runScenario<PerCallResult>('per-call', ['pair']);
  console.error('bench: per call, 32 keys…');
  const wide = await runScenario<PerCallResult>('per-call', ['wide']);
  console.error('bench: per call, a first-time key…');
  const newKey = await runScenario<PerCallResult>('per-call', ['new-key']);
  const alloc: AllocResult[] = [];
  for (const v of ALLOC_VARIANTS) {
    console.error(`bench: allocation, ${v}…`);
    alloc.push(await runScenario<AllocResult>('alloc', [v, String(ALLOC_CALLS)]));
  }
  const e2e: EndToEndResult[] = [];
  for (const calls of E2E_CALLS) {
    console.error(`bench: end to end, ${int(calls * 2)} points…`);
    e2e.push(await runScenario<EndToEndResult>('end-to-end', [String(calls)]));
  }
  const exitFlush: ExitFlushResult[] = [];
  for (const points of EXIT_POINTS) {
    console.error(`bench: exit flush, ${int(points)} points in the ring…`);
    exitFlush.push(await runScenario<ExitFlushResult>('exit-flush', [String(points)]));
  }
  const training: TrainingResult[] = [];
  for (const loop of ['tight', 'tfjs']) {
    console.error(`bench: training loop, ${loop}…`);
    training.push(await runScenario<TrainingResult>('training', [loop]));
  }
  console.error('bench: sustained load…');
  const sustained = await runScenario<SustainedResult>('sustained');
  console.error('bench: memory at 1, 10 and 100 million points…');
  const memory = await runScenario<MemoryResult>('memory', [], ['--expose-gc']);

  const date = new Date().toISOString().slice(0, 10);
  const partial: Omit<BenchReport, 'targets' | 'totalSeconds'> = {
    schema: 1,
    date,
    quick: QUICK,
    command: QUICK ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    machine,
    loadAvg1mEnd: os.loadavg()[0]!,
    perCall,
    wide,
    newKey,
    alloc: { rows: alloc },
    endToEnd: { rows: e2e },
    exitFlush: { rows: exitFlush },
    memory,
    training: { rows: training },
    sustained,
  };
  const report: BenchReport = { ...partial, targets: targets(partial), totalSeconds: (Date.now() - started) / 1000 };
  const md = markdown(report);
  console.log(md);

  const outDir = process.env.BENCH_OUT_DIR ?? path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${date}-${machine.node}${QUICK ? '-quick' : ''}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, md + '\n');
  console.error(`bench: wrote ${path.relative(process.cwd(), base)}.json and .md`);
}

runMain(main);
