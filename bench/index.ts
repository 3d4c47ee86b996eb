/**
 * `npm run bench`: swanlab-node's numbers beside what they are weighed against, in one run.
 *
 *   1. main-thread ns per log({loss, acc}) call, interleaved with the floor, an empty call,
 *      worker.postMessage and fs.writeSync (bench/scenarios/per-call.ts);
 *   2. heap bytes allocated per call once keys are known (bench/scenarios/alloc.ts);
 *   3. end-to-end points per second to a fsynced run file, and RSS, at two point counts
 *      (bench/scenarios/end-to-end.ts).
 *
 * Each scenario runs in its own process. Prints Markdown to stdout and writes
 * `bench/results/<YYYY-MM-DD>-<node version>.json` (+ `.md`), or into `BENCH_OUT_DIR`.
 * `BENCH_QUICK=1`: tiny counts (a smoke run of a few seconds; its numbers mean nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { QUICK, ROOT, machineInfo, runScenario, type MachineInfo } from './lib/common.js';
import type { PerCallResult } from './scenarios/per-call.js';
import type { AllocResult } from './scenarios/alloc.js';
import type { EndToEndResult } from './scenarios/end-to-end.js';

const ALLOC_VARIANTS = ['swanlab', 'floor', 'postMessage', 'writeSync'] as const;
const ALLOC_CALLS = QUICK ? 200_000 : 1_000_000;
/** log() calls of the two end-to-end runs (2 points each): 1 M and 10 M points. */
const E2E_CALLS = QUICK ? [10_000, 50_000] : [500_000, 5_000_000];
/**
 * RSS growth counts as independent of the point count when the big run grows at most this
 * much more than the small one: 9 M more points would cost 137 MiB at 16 bytes each.
 */
const RSS_TOLERANCE_MIB = 16;

/** One target of the issue, read against this run. */
export interface TargetResult {
  target: string;
  measured: string;
  pass: boolean;
}

/** The JSON file's shape (test/bench-smoke.test.ts reads it). */
export interface BenchReport {
  schema: 1;
  date: string;
  quick: boolean;
  machine: MachineInfo;
  perCall: PerCallResult;
  alloc: { rows: AllocResult[] };
  endToEnd: { rows: EndToEndResult[] };
  targets: TargetResult[];
  totalSeconds: number;
}

const fmt = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

function targets(perCall: PerCallResult, alloc: AllocResult[], e2e: EndToEndResult[]): TargetResult[] {
  const row = (name: string) => perCall.rows.find((r) => r.name === name)!;
  const swan = row('swanlab.log');
  const pm = row('postMessage');
  const swanAlloc = alloc.find((a) => a.name === 'swanlab')!;
  const small = e2e[0]!;
  const big = e2e[e2e.length - 1]!;
  const speedup = pm.medianNs / swan.medianNs;
  const rssDiff = big.rssGrowthMiB - small.rssGrowthMiB;
  return [
    { target: 'median log({loss, acc}) ≤ 80 ns', measured: `${fmt(swan.medianNs)} ns`, pass: swan.medianNs <= 80 },
    { target: '≥ 15x cheaper than postMessage (same run)', measured: `${fmt(speedup)}x`, pass: speedup >= 15 },
    {
      target: 'no allocation per call once keys are known (< 1 B/call)',
      measured: `${fmt(swanAlloc.bytesPerCall, 2)} B/call, ${swanAlloc.scavenges} scavenges in ${int(swanAlloc.calls)} calls`,
      pass: swanAlloc.bytesPerCall < 1,
    },
    { target: '≥ 1.5 M points/s end to end (fsynced)', measured: `${fmt(big.pointsPerSec / 1e6, 2)} M points/s (${int(big.points)} points)`, pass: big.pointsPerSec >= 1.5e6 },
    {
      target: `RSS growth independent of point count (±${RSS_TOLERANCE_MIB} MiB)`,
      measured: `${fmt(small.rssGrowthMiB)} MiB at ${int(small.points)}, ${fmt(big.rssGrowthMiB)} MiB at ${int(big.points)} points`,
      pass: rssDiff <= RSS_TOLERANCE_MIB,
    },
  ];
}

function markdown(r: BenchReport): string {
  const m = r.machine;
  const pc = r.perCall;
  const lines: string[] = [];
  lines.push(`## swanlab-node bench, ${r.date}${r.quick ? ' (BENCH_QUICK: smoke counts, numbers not meaningful)' : ''}`);
  lines.push('');
  lines.push(`Node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.os}, ${int(m.totalMemMiB)} MiB RAM, load average ${fmt(m.loadAvg1m, 2)} at start.`);
  lines.push('');
  lines.push('### Main-thread cost per call: record `{loss, acc}`, keys already seen');
  lines.push('');
  lines.push(
    `Interleaved: ${int(pc.rounds)} rounds (after ${int(pc.warmupRounds)} warm-up) × one ${int(pc.batch)}-call batch of each row, order rotating; ` +
      `median and p99 of batch means. swanlab ring ${pc.ringBytes / 2 ** 20} MiB, peak fill ${fmt(pc.ringPeakFill * 100)} % ` +
      `(${pc.paceWaits} untimed waits for the drain): no timed log() waited for space. The swanlab worker drains concurrently on the second core.`,
  );
  lines.push('');
  lines.push('| operation | median ns | p99 ns | mean ns | × swanlab.log (median) |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const row of pc.rows) lines.push(`| ${row.label} | ${fmt(row.medianNs)} | ${fmt(row.p99Ns)} | ${fmt(row.meanNs)} | ${fmt(row.ratio, 2)} |`);
  lines.push('');
  lines.push(
    '`swanlab.log` is called as a user writes it in an ES module (`import * as swanlab from \'swanlab-node\'`); ' +
      '`run.log` calls the Run method directly.',
  );
  lines.push('');
  lines.push(`### Heap allocated per call (${int(ALLOC_CALLS)} calls each, own process, v8.GCProfiler)`);
  lines.push('');
  lines.push('| operation | bytes/call | scavenges | mark-sweeps | GC pause ms |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const a of r.alloc.rows) lines.push(`| ${a.name} | ${fmt(a.bytesPerCall, 2)} | ${a.scavenges} | ${a.markSweeps} | ${fmt(a.gcPauseMs, 2)} |`);
  lines.push('');
  lines.push('### End to end: first log() to finish() resolved (written and fsynced), default options, own process');
  lines.push('');
  lines.push('| points | seconds | points/s | log loop s | finish s | RSS before init MiB | RSS start MiB | RSS peak MiB | RSS end MiB | RSS growth MiB | run file MiB |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const e of r.endToEnd.rows) {
    lines.push(
      `| ${int(e.points)} | ${fmt(e.seconds, 2)} | ${int(e.pointsPerSec)} | ${fmt(e.logLoopSeconds, 2)} | ${fmt(e.finishSeconds, 2)} | ` +
        `${fmt(e.rssBeforeInitMiB)} | ${fmt(e.rssStartMiB)} | ${fmt(e.rssPeakMiB)} | ${fmt(e.rssEndMiB)} | ${fmt(e.rssGrowthMiB)} | ${fmt(e.runFileMiB)} |`,
    );
  }
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| target | measured | verdict |');
  lines.push('|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.pass ? 'PASS' : 'MISS'} |`);
  lines.push('');
  lines.push(`Total ${fmt(r.totalSeconds)} s.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  console.error(`bench: Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores${QUICK ? ', quick' : ''}`);

  console.error('bench: per-call (interleaved)…');
  const perCall = await runScenario<PerCallResult>('per-call');
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

  const date = new Date().toISOString().slice(0, 10);
  const report: BenchReport = {
    schema: 1,
    date,
    quick: QUICK,
    machine,
    perCall,
    alloc: { rows: alloc },
    endToEnd: { rows: e2e },
    targets: targets(perCall, alloc, e2e),
    totalSeconds: (Date.now() - started) / 1000,
  };
  const md = markdown(report);
  console.log(md);

  const outDir = process.env.BENCH_OUT_DIR ?? path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${date}-${machine.node}${QUICK ? '-quick' : ''}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, md + '\n');
  console.error(`bench: wrote ${path.relative(process.cwd(), base)}.json and .md`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
