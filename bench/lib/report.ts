/**
 * The bench's result file (its JSON shape) and what is printed from it: the Markdown tables
 * and the targets of the issue, each read against this run.
 */
import type { MachineInfo } from './common.js';
import type { PerCallResult } from '../scenarios/per-call.js';
import type { AllocResult } from '../scenarios/alloc.js';
import type { EndToEndResult } from '../scenarios/end-to-end.js';
import type { ExitFlushResult } from '../scenarios/exit-flush.js';
import type { MemoryResult } from '../scenarios/memory.js';
import type { Interval, TrainingResult } from '../scenarios/training.js';
import type { LatencyStats, SustainedResult } from '../scenarios/sustained.js';

/** One target of the issue, read against this run. */
export interface TargetResult {
  target: string;
  measured: string;
  pass: boolean;
}

/**
 * The JSON file's shape (test/bench-smoke.test.ts reads it). Schema 1 throughout: the fields
 * after `endToEnd` were added later, and readers of the first ones see no change.
 */
export interface BenchReport {
  schema: 1;
  date: string;
  quick: boolean;
  /** The command that made it. */
  command: string;
  machine: MachineInfo;
  /** 1-minute load average when the bench ended (machine.loadAvg1m is at its start). */
  loadAvg1mEnd: number;
  /** Per call, {loss, acc} with known keys. */
  perCall: PerCallResult;
  /** Per call, a 32-key record with known keys. */
  wide: PerCallResult;
  /** Per call, a record of one key never seen before. */
  newKey: PerCallResult;
  alloc: { rows: AllocResult[] };
  endToEnd: { rows: EndToEndResult[] };
  /** An empty ring, then ~1 M points in the ring, at process.exit(). */
  exitFlush: { rows: ExitFlushResult[] };
  memory: MemoryResult;
  /** The tight loop, then the tfjs loop. */
  training: { rows: TrainingResult[] };
  sustained: SustainedResult;
  targets: TargetResult[];
  totalSeconds: number;
}

/** RSS growth counts as independent of the point count within this much: 9 M more points would cost 137 MiB at 16 bytes each. */
export const RSS_TOLERANCE_MIB = 16;
/** The main heap (after a full GC) counts as flat within this much. */
export const HEAP_TOLERANCE_MIB = 1;

export const fmt = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
/** A signed number: + or − (a minus sign, not a hyphen). */
const signed = (x: number, digits = 1): string => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), digits)}`;
const pct = (x: number, digits = 2): string => `${signed(x, digits)} %`;
const ns = (x: number): string => (x >= 1e6 ? `${fmt(x / 1e6, 2)} ms` : x >= 1e4 ? `${fmt(x / 1e3, 1)} µs` : `${int(x)} ns`);

export function targets(r: Omit<BenchReport, 'targets' | 'totalSeconds'>): TargetResult[] {
  const row = (name: string) => r.perCall.rows.find((x) => x.name === name)!;
  const swan = row('swanlab.log');
  const runLog = row('run.log');
  const floor = row('floor');
  const pm = row('postMessage');
  const wandb = row('wandb.log');
  const wandbAll = row('wandb.log+sender');
  const pino = row('pino');
  const swanAlloc = r.alloc.rows.find((a) => a.name === 'swanlab')!;
  const small = r.endToEnd.rows[0]!;
  const big = r.endToEnd.rows[r.endToEnd.rows.length - 1]!;
  const speedup = pm.medianNs / swan.medianNs;
  const rssDiff = big.rssGrowthMiB - small.rssGrowthMiB;
  const [tight, tfjs] = r.training.rows as [TrainingResult, TrainingResult];
  const mem = r.memory.checkpoints;
  const m0 = mem[0]!;
  const mN = mem[mem.length - 1]!;
  const memRss = mN.rssMiB - m0.rssMiB;
  const memHeap = mN.heapUsedMiB - m0.heapUsedMiB;
  const ofFloor = swan.medianNs / floor.medianNs;
  return [
    { target: 'median log({loss, acc}) ≤ 80 ns', measured: `${fmt(swan.medianNs)} ns`, pass: swan.medianNs <= 80 },
    {
      target: 'log() within 2x of the floor (the same 56 B frame into a SAB + one Atomics.store)',
      measured: `${fmt(ofFloor, 2)}x (${fmt(swan.medianNs)} / ${fmt(floor.medianNs)} ns; \`run.log\` ${fmt(runLog.medianNs / floor.medianNs, 2)}x)`,
      pass: ofFloor <= 2,
    },
    {
      target: '≥ 9x cheaper than `@wandb/sdk` `run.log()` (the call alone)',
      measured: `${fmt(wandb.medianNs / swan.medianNs)}x (${fmt(wandbAll.medianNs / swan.medianNs)}x with its sender's work on the main thread)`,
      pass: wandb.medianNs / swan.medianNs >= 9,
    },
    { target: '≥ 10x cheaper than pino with `pino.transport` (same record)', measured: `${fmt(pino.medianNs / swan.medianNs)}x`, pass: pino.medianNs / swan.medianNs >= 10 },
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
    {
      target: `flat memory from ${int(m0.points)} to ${int(mN.points)} points (RSS ±${RSS_TOLERANCE_MIB} MiB, main heap ±${HEAP_TOLERANCE_MIB} MiB)`,
      measured: `RSS ${fmt(m0.rssMiB)} → ${fmt(mN.rssMiB)} MiB (${signed(memRss)}), heap ${fmt(m0.heapUsedMiB)} → ${fmt(mN.heapUsedMiB)} MiB`,
      pass: Math.abs(memRss) <= RSS_TOLERANCE_MIB && Math.abs(memHeap) <= HEAP_TOLERANCE_MIB,
    },
    {
      target: 'tight training loop: overhead < 1 %',
      measured:
        `${pct(tight.overheadPct)} [95 % CI ${pct(tight.overheadPctLo)}, ${pct(tight.overheadPctHi)}], ${signed(tight.overheadNsPerIteration)} ns on ${ns(tight.iterationNsWithout)} an iteration` +
        ('pct' in tight.floor ? `; the floor in the same loop ${pct(tight.floor.pct.median)} (${signed(tight.floor.nsPerIteration)} ns)` : '') +
        (tight.aa ? `; A/A (two copies without logging) ${pct(tight.aa.median)} [${pct(tight.aa.lo)}, ${pct(tight.aa.hi)}]` : '') +
        `; per process ${tight.perProcessPct.map((x) => pct(x)).join(', ')}`,
      pass: tight.overheadPct < 1,
    },
    {
      target: 'tfjs `model.fit` loop: overhead < 0.1 % (in place: what the logging callback adds to a batch; the A/B interval must not exclude it)',
      measured: tfjsMeasured(tfjs),
      pass: tfjs.callbackSpanUs !== undefined && spanPct(tfjs, tfjs.callbackSpanUs.tfjsCallback) < 0.1 && tfjs.overheadPctLo < 0.1,
    },
  ];
}

/** What a way of logging adds to a tfjs batch in place (callback span less the no-callback arm's), percent of the median batch. */
function spanPct(t: TrainingResult, spanUs: number): number {
  return ((spanUs - t.callbackSpanUs!.none) * 1000 * 100) / t.iterationNsWith;
}

function tfjsMeasured(t: TrainingResult): string {
  const span = t.callbackSpanUs;
  const inPlace = (us: number): string => `${signed(us - span!.none, 1)} µs = ${pct(spanPct(t, us), 3)}`;
  const parts = [
    `swanlab.tfjsCallback: in place ${span ? inPlace(span.tfjsCallback) : '–'} of a ${ns(t.iterationNsWith)} batch, A/B ${pct(t.overheadPct)} [95 % CI ${pct(t.overheadPctLo)}, ${pct(t.overheadPctHi)}]`,
  ];
  if (span && t.handWritten) parts.push(`a hand-written \`{ onBatchEnd }\`: in place ${inPlace(span.callbackLog)} (tfjs's wrapper alone ${inPlace(span.callback)}), A/B ${pct(t.handWritten.median)}`);
  if ('inPlaceNs' in t.floor) parts.push(`log() itself ${int(t.inPlaceLogNs)} ns = ${pct(t.inPlacePct, 3)}, the floor ${int(t.floor.inPlaceNs)} ns = ${pct(t.floor.inPlacePct, 3)}`);
  return parts.join('; ');
}

function perCallTable(lines: string[], pc: PerCallResult): void {
  lines.push('| operation | median ns | p99 ns | mean ns | × swanlab.log (median) |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const row of pc.rows) lines.push(`| ${row.label} | ${fmt(row.medianNs)} | ${fmt(row.p99Ns)} | ${fmt(row.meanNs)} | ${fmt(row.ratio, 2)} |`);
}

function perCallMethod(pc: PerCallResult): string {
  return (
    `Interleaved: ${int(pc.rounds)} rounds (after ${int(pc.warmupRounds)} warm-up) × one ${int(pc.batch)}-call batch of each row, order rotating; ` +
    `median and p99 of batch means. swanlab ring ${pc.ringBytes / 2 ** 20} MiB, peak fill ${fmt(pc.ringPeakFill * 100)} % ` +
    `(${pc.paceWaits} untimed waits for the drain): no timed log() waited for space.`
  );
}

function latencyRow(name: string, s: LatencyStats): string {
  return `| ${name} | ${int(s.count)} | ${int(s.p50Ns)} | ${int(s.p99Ns)} | ${int(s.p999Ns)} | ${int(s.p9999Ns)} | ${ns(s.maxNs)} | ${int(s.over10us)} | ${int(s.over100us)} | ${int(s.over1ms)} |`;
}

export function markdown(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [];
  const p = (...l: string[]): void => {
    lines.push(...l);
  };
  p(`## swanlab-node bench, ${r.date}${r.quick ? ' (BENCH_QUICK: smoke counts, numbers not meaningful)' : ''}`, '');
  p(
    `\`${r.command}\` on Node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.os}, ${int(m.totalMemMiB)} MiB RAM; ` +
      `load average ${fmt(m.loadAvg1m, 2)} at the start, ${fmt(r.loadAvg1mEnd, 2)} at the end.`,
    '',
  );

  p('### Main-thread cost per call: record `{loss, acc}`, keys already seen', '');
  p(`${perCallMethod(r.perCall)} The swanlab worker drains concurrently on the second core.`, '');
  perCallTable(lines, r.perCall);
  p(
    '',
    '`swanlab.log` is called as a user writes it in an ES module (`import * as swanlab from \'swanlab-node\'`); `run.log` calls the Run method directly. ' +
      'The floor writes the very frame log() writes, with no validation, key matching or room check (bench/lib/alternatives.ts `compileFloor`). ' +
      '`@wandb/sdk` 0.5.1 runs with `WANDB_MODE=offline` and its two start-up requests skipped (it has no offline `init()`); ' +
      'its sender runs on the main thread too (a MessageChannel to itself): the "+ its sender" row also times that work (receive the record, merge it into the history row, JSON-serialize it). ' +
      'pino\'s default transport queues each line and copies the queue into its worker\'s buffer on a later event-loop turn, also on the main thread; that copy is not timed. ' +
      'A batch that triggers a scavenge pays for it, whichever row made the garbage: log() and the floor allocate nothing.',
    '',
  );
  p('### Wide record: 32 keys, already seen', '');
  p(perCallMethod(r.wide), '');
  perCallTable(lines, r.wide);
  p('', '### First-time key: each call logs one key never seen before (interning)', '');
  p(`${perCallMethod(r.newKey)} A new key per call is a new column of the run each time; the rings are not lapped first (both are mapped up front: swanlab-node's worker prefaults its ring, the floor's is mapped when made).`, '');
  perCallTable(lines, r.newKey);
  p('', 'W&B\'s sender is left out here: its summary row copies every key seen so far on each call, so its cost depends on how many keys the bench has made, not on the first call of a key.', '');

  p(`### Heap allocated per call (${int(r.alloc.rows[0]?.calls ?? 0)} calls each, own process, v8.GCProfiler)`, '');
  p('| operation | bytes/call | scavenges | mark-sweeps | GC pause ms |', '|---|---:|---:|---:|---:|');
  for (const a of r.alloc.rows) p(`| ${a.name} | ${fmt(a.bytesPerCall, 2)} | ${a.scavenges} | ${a.markSweeps} | ${fmt(a.gcPauseMs, 2)} |`);
  p('');

  p('### End to end: first log() to finish() resolved (written and fsynced), default options, own process', '');
  p(
    '| points | seconds | points/s | log loop s | finish s | RSS before init MiB | RSS start MiB | RSS peak MiB | RSS end MiB | RSS growth MiB | run file MiB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const e of r.endToEnd.rows) {
    p(
      `| ${int(e.points)} | ${fmt(e.seconds, 2)} | ${int(e.pointsPerSec)} | ${fmt(e.logLoopSeconds, 2)} | ${fmt(e.finishSeconds, 2)} | ` +
        `${fmt(e.rssBeforeInitMiB)} | ${fmt(e.rssStartMiB)} | ${fmt(e.rssPeakMiB)} | ${fmt(e.rssEndMiB)} | ${fmt(e.rssGrowthMiB)} | ${fmt(e.runFileMiB)} |`,
    );
  }
  p('');

  p('### Exit flush: `process.exit(0)` with points still in the ring', '');
  p(
    'A child logs `{loss, acc}` (worker running and draining) until the ring holds the points, then calls `process.exit(0)`; ' +
      'swanlab-node\'s `exit` listener blocks until the worker has written and fsynced everything. The parent then reads the run file back.',
    '',
  );
  p('| points in the ring at exit | points logged | ring MiB | exit flush ms | points read back | FinishRecord | run file MiB |', '|---:|---:|---:|---:|---:|---|---:|');
  for (const e of r.exitFlush.rows) {
    p(`| ${int(e.pointsInRing)} | ${int(e.points)} | ${int(e.ringBytes / 2 ** 20)} | ${fmt(e.exitFlushMs)} | ${int(e.verifiedPoints)} | ${e.finishState} | ${fmt(e.runFileMiB)} |`);
  }
  p('');

  const mem = r.memory;
  p('### Memory against the point count: one process, default options', '');
  p(
    `RSS ${fmt(mem.rssBeforeInitMiB)} MiB before init(), ${fmt(mem.rssStartMiB)} MiB once the worker ran, main heap ${fmt(mem.heapUsedStartMiB)} MiB. ` +
      'At each count: the ring emptied (untimed), a full GC of the main thread, then RSS (both threads) and the main heap.',
    '',
  );
  p(
    '| points | RSS MiB | RSS anon / file MiB | heap used MiB | heap total MiB | external MiB | peak RSS since previous MiB | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const c of mem.checkpoints) {
    p(
      `| ${int(c.points)} | ${fmt(c.rssMiB)} | ${fmt(c.rssAnonMiB)} / ${fmt(c.rssFileMiB)} | ${fmt(c.heapUsedMiB, 2)} | ${fmt(c.heapTotalMiB)} | ${fmt(c.externalMiB)} | ${fmt(c.rssPeakMiB)} | ${fmt(c.seconds, 1)} |`,
    );
  }
  p('', `finish() took ${fmt(mem.finishSeconds, 2)} s; the run file was ${int(mem.runFileMiB)} MiB (then deleted).`, '');

  p('### Training-loop overhead: 4 metrics logged every iteration', '');
  p(
    'Each loop runs in rounds, with and without logging, order rotating, one swanlab run alive throughout; overhead = median over rounds of (with / without − 1), ' +
      'with a distribution-free 95 % confidence interval. Tight loop: rounds from several processes one after another, pooled (each process lays out the inlined log() once, ' +
      'and that layout moves its cost by tens of ns), four runs a round, each its own compiled copy of the loop: no logging, a second copy with no logging (A/A: what the bench reads as overhead where there is none), `swanlab.log`, and the floor ' +
      '(the same frame written into a SharedArrayBuffer with one `Atomics.store` and nothing checked, bench/lib/alternatives.ts `compileFloor`). ' +
      'tfjs: four runs a round, "without" being `model.fit` with no callback: a hand-written `{ onBatchEnd }` callback without and with log() ("tfjs callback alone" and "log() alone" split its overhead), ' +
      'and `swanlab.tfjsCallback(tf, { logFreq: \'batch\' })`, whose overhead the row shows. "log() in place" times each log() call inside the hand-written callback in extra fits ' +
      '(hrtime around it, minus an empty hrtime pair timed just before it), the floor likewise on alternate batches: the median call, and its share of the median batch.',
    '',
  );
  const split = (i: Interval | undefined): string => (i === undefined ? '–' : `${pct(i.median)} (${pct(i.lo)} … ${pct(i.hi)})`);
  p(
    '| loop | what | rounds × iterations | ns/iteration without | with | overhead | 95 % CI | ns/iteration | tfjs callback alone | log() alone | log() in place | the floor, same place |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const t of r.training.rows) {
    p(
      `| ${t.loop} | ${t.model} | ${t.pairs}${t.processes > 1 ? ` (${t.processes} processes)` : ''} × ${int(t.iterationsPerRun)} | ${int(t.iterationNsWithout)} | ${int(t.iterationNsWith)} | ${pct(t.overheadPct)} | ` +
        `${pct(t.overheadPctLo)} … ${pct(t.overheadPctHi)} | ${signed(t.overheadNsPerIteration)} | ${split(t.callbackOnly)} | ${split(t.logOnly)} | ` +
        `${t.inPlaceLogNs < 0 ? '–' : `${int(t.inPlaceLogNs)} ns = ${fmt(t.inPlacePct, 3)} % (mean ${int(t.inPlaceLogMeanNs)} ns)`} | ` +
        `${'pct' in t.floor ? `${split(t.floor.pct)}, ${signed(t.floor.nsPerIteration)} ns` : `in place ${int(t.floor.inPlaceNs)} ns = ${fmt(t.floor.inPlacePct, 3)} %`} |`,
    );
  }
  p('');
  for (const t of r.training.rows) {
    if (t.processes > 1) p(`${t.loop}: the median overhead of each process, in the order they ran: ${t.perProcessPct.map((x) => pct(x)).join(', ')}.`, '');
    if (t.aa) p(`${t.loop}, A/A: the second copy of the loop without logging against the first, ${split(t.aa)}.`, '');
  }
  const tfjs = r.training.rows.find((t) => t.loop === 'tfjs');
  if (tfjs?.callbackSpanUs && tfjs.handWritten && tfjs.callbackOnly) {
    const span = tfjs.callbackSpanUs;
    p(
      'tfjs, in place: every callback\'s work per batch (tf.CallbackList\'s onBatchEnd, timed in every run of the rounds above; median µs), against the run with no callback, and the whole fit\'s A/B:',
      '',
      '| callbacks passed to `model.fit` | callback work per batch µs | added to a batch | share of a batch | A/B, whole fit (95 % CI) |',
      '|---|---:|---:|---:|---:|',
      `| none (tfjs's own: BaseLogger, History, its default yielding callback) | ${fmt(span.none, 1)} | – | – | – |`,
      `| hand-written \`{ onBatchEnd }\`, without log() | ${fmt(span.callback, 1)} | ${signed(span.callback - span.none, 1)} µs | ${pct(spanPct(tfjs, span.callback), 3)} | ${split(tfjs.callbackOnly)} |`,
      `| hand-written \`{ onBatchEnd }\`, with log() | ${fmt(span.callbackLog, 1)} | ${signed(span.callbackLog - span.none, 1)} µs | ${pct(spanPct(tfjs, span.callbackLog), 3)} | ${split(tfjs.handWritten)} |`,
      `| \`swanlab.tfjsCallback(tf, { logFreq: 'batch' })\` | ${fmt(span.tfjsCallback, 1)} | ${signed(span.tfjsCallback - span.none, 1)} µs | ${pct(spanPct(tfjs, span.tfjsCallback), 3)} | ${split({ median: tfjs.overheadPct, lo: tfjs.overheadPctLo, hi: tfjs.overheadPctHi })} |`,
      '',
    );
  }

  const s = r.sustained;
  p(`### Sustained load: ${int(s.targetCallsPerSec)} log({loss, acc}) calls a second for ${fmt(s.seconds, 0)} s while the worker writes`, '');
  p(
    `${int(s.calls)} calls (${fmt(s.achievedCallsPerSec / 1e6, 3)} M/s achieved) in 1 ms slots of ${int(s.targetCallsPerSec / 1000)} calls, each call timed alone (one clock read is inside every number; ` +
      'the timer-pair row is that read alone, every 10th call). Default 8 MiB ring.',
    '',
  );
  p('| call | count | p50 ns | p99 ns | p99.9 ns | p99.99 ns | worst | > 10 µs | > 100 µs | > 1 ms |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  p(latencyRow('`swanlab.log(rec)`', s.log), latencyRow('timer pair (no call)', s.timerPair));
  p(
    '',
    `Worst log() with no GC pause inside it: ${ns(s.logWorstWithoutGcNs)} (${int(s.logOver10usWithGc)} of the ${int(s.log.over10us)} calls over 10 µs had one). ` +
      `Ring peak fill ${fmt(s.ringPeakFill * 100)} %${s.ringPeakFill >= 0.99 ? ' (full: log() waited for room)' : ''}; ${int(s.lateSlots)} slots started > 1 ms late (latest ${fmt(s.maxLateMs, 2)} ms); ` +
      `${int(s.scavenges)} scavenges and ${s.markSweeps} mark-sweeps of the harness's clock garbage (longest pause ${fmt(s.gcMaxPauseMs, 2)} ms, ${fmt(s.gcTotalPauseMs)} ms in all); ` +
      `finish() ${fmt(s.finishSeconds, 2)} s; run file ${int(s.runFileMiB)} MiB (then deleted).`,
    '',
  );

  p('### Targets', '', '| target | measured | verdict |', '|---|---|---|');
  for (const t of r.targets) p(`| ${t.target} | ${t.measured} | ${t.pass ? 'PASS' : 'MISS'} |`);
  p('', `Total ${fmt(r.totalSeconds)} s.`);
  return lines.join('\n');
}
