// `npm run bench` with BENCH_QUICK=1 (tiny counts), so the bench cannot rot unnoticed
// (synckit's CI runs its benchmark; thread-stream's assertion-less bench test is what to avoid).
// Quick numbers are too small to read against the targets; what is asserted here holds on
// any machine: every scenario ran and reported finite positive numbers, the allocation
// method tells an allocating path from its control, and every end-to-end and exit-flush
// point reached the run file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { BenchReport } from '../bench/index.js';
import type { TrainingResult as TrainingRow } from '../bench/scenarios/training.js';

const root = path.resolve(__dirname, '..');
const tsxLoader = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;

function assertPositive(row: object, fields: readonly string[], where: string): void {
  for (const f of fields) {
    const v = (row as Record<string, unknown>)[f];
    assert.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${where}.${f} = ${String(v)} is a finite number > 0`);
  }
}

/** What every per-call section must hold: these rows, finite numbers, one sample per timed round. */
function checkPerCall(pc: BenchReport['perCall'], record: string, keys: number, names: readonly string[]): void {
  assert.equal(pc.record, record);
  assert.equal(pc.keys, keys);
  assert.deepEqual(
    pc.rows.map((row) => row.name),
    names,
  );
  for (const row of pc.rows) {
    assertPositive(row, ['medianNs', 'p99Ns', 'meanNs', 'ratio', 'batches'], `${record} ${row.name}`);
    assert.equal(row.batches, pc.rounds);
    assert.ok(row.p99Ns >= row.medianNs, `${record} ${row.name}: p99 ≥ median`);
  }
  assert.equal(pc.rows[0]!.ratio, 1);
  assert.equal(pc.postMessageDelivered, (pc.rounds + pc.warmupRounds) * pc.batch, `${record}: the postMessage worker got every message`);
  assert.ok(pc.ringPeakFill >= 0 && pc.ringPeakFill < 0.5, `${record}: the swanlab ring stayed far from full (${pc.ringPeakFill})`);
}

function isSorted(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x >= xs[i - 1]!);
}

test('BENCH_QUICK=1 bench runs every scenario and writes a complete result file', { timeout: 180_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-bench-smoke-'));
  const resultsDir = path.join(root, 'bench', 'results');
  const before = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : [];
  try {
    const r = spawnSync(process.execPath, ['--import', tsxLoader, path.join(root, 'bench', 'index.ts')], {
      cwd: root,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT_DIR: out },
      encoding: 'utf8',
      timeout: 170_000,
    });
    assert.equal(r.status, 0, `bench exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^\| median log\(\{loss, acc\}\) ≤ 80 ns \| .+ \| (PASS|MISS) \|$/m, 'prints the targets table');

    const files = fs.readdirSync(out).sort();
    const jsonName = files.find((f) => f.endsWith('-quick.json'));
    assert.ok(jsonName, `a -quick.json result in BENCH_OUT_DIR, found ${files.join(', ')}`);
    assert.ok(files.includes(jsonName.replace(/\.json$/, '.md')), 'and its Markdown twin');
    assert.match(jsonName, new RegExp(`^\\d{4}-\\d{2}-\\d{2}-${process.version.replace(/\./g, '\\.')}-quick\\.json$`));
    assert.deepEqual(fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : [], before, 'nothing written to bench/results');

    const report = JSON.parse(fs.readFileSync(path.join(out, jsonName), 'utf8')) as BenchReport;
    assert.equal(report.schema, 1);
    assert.equal(report.quick, true);
    assert.equal(report.command, 'BENCH_QUICK=1 npm run bench');
    assert.equal(report.machine.node, process.version);
    assert.ok(report.machine.cores > 0 && report.machine.cpu.length > 0 && report.machine.os.length > 0);
    assert.ok(Number.isFinite(report.loadAvg1mEnd) && report.loadAvg1mEnd >= 0);

    // Per call: every variant, every number finite and > 0, one sample per timed round.
    const pc = report.perCall;
    checkPerCall(pc, 'pair', 2, ['swanlab.log', 'run.log', 'floor', 'floor-24B', 'empty', 'wandb.log', 'wandb.log+sender', 'pino', 'postMessage', 'writeSync']);
    const ns = (name: string) => pc.rows.find((row) => row.name === name)!.medianNs;
    for (const other of ['wandb.log', 'wandb.log+sender', 'pino', 'postMessage', 'writeSync']) {
      assert.ok(ns('swanlab.log') < ns(other), `log() ${ns('swanlab.log')} ns beats ${other} ${ns(other)} ns`);
    }
    assert.ok(ns('wandb.log') < ns('wandb.log+sender'), 'W&B with its sender costs more than its call alone');
    checkPerCall(report.wide, 'wide', 32, ['swanlab.log', 'run.log', 'floor', 'empty', 'wandb.log', 'wandb.log+sender', 'pino', 'postMessage', 'writeSync']);
    checkPerCall(report.newKey, 'new-key', 1, ['swanlab.log', 'floor', 'empty', 'wandb.log', 'pino', 'postMessage', 'writeSync']);

    // Allocation: the method sees JSON.stringify's strings and nothing in its control.
    const alloc = new Map(report.alloc.rows.map((a) => [a.name, a]));
    assert.deepEqual([...alloc.keys()], ['swanlab', 'floor', 'postMessage', 'writeSync']);
    for (const a of alloc.values()) {
      assertPositive(a, ['calls'], `alloc ${a.name}`);
      for (const f of ['bytesPerCall', 'allocatedBytes', 'scavenges', 'markSweeps', 'gcPauseMs'] as const) {
        assert.ok(Number.isFinite(a[f]) && a[f] >= 0, `alloc ${a.name}.${f} = ${a[f]} is finite and ≥ 0`);
      }
    }
    assert.ok(alloc.get('writeSync')!.bytesPerCall > 100, `writeSync allocates its JSON line (${alloc.get('writeSync')!.bytesPerCall} B/call)`);
    // The control reads ≈ 0; under a loaded test run, GCs in the window also free a little
    // garbage made before it, so allow up to half the smallest object a call could allocate
    // (a 16-byte HeapNumber).
    assert.ok(alloc.get('floor')!.bytesPerCall < 8, `the floor allocates nothing (${alloc.get('floor')!.bytesPerCall} B/call)`);

    // End to end: two sizes, every number > 0, every point read back from the run file.
    assert.equal(report.endToEnd.rows.length, 2);
    for (const e of report.endToEnd.rows) {
      assertPositive(
        e,
        ['calls', 'points', 'seconds', 'pointsPerSec', 'logLoopSeconds', 'finishSeconds', 'ringBytes', 'rssBeforeInitMiB', 'rssStartMiB', 'rssPeakMiB', 'rssEndMiB', 'runFileMiB', 'verifiedPoints'],
        `endToEnd ${e.points}`,
      );
      // Growth is peak minus start: 0 when a small run fits in memory the process already had.
      assert.ok(Number.isFinite(e.rssGrowthMiB) && e.rssGrowthMiB >= 0, `endToEnd ${e.points}.rssGrowthMiB = ${e.rssGrowthMiB} is finite and ≥ 0`);
      assert.ok(e.rssPeakMiB >= e.rssStartMiB && e.rssPeakMiB >= e.rssEndMiB, 'the peak is the largest RSS sample');
      assert.equal(e.points, e.calls * 2);
      assert.equal(e.verifiedPoints, e.points, 'every logged point is a scalar record in the run file');
      assert.ok(Math.abs(e.logLoopSeconds + e.finishSeconds - e.seconds) < 1e-6);
    }
    assert.ok(report.endToEnd.rows[1]!.points > report.endToEnd.rows[0]!.points);

    // Exit flush: an empty ring, then a full one; every point and the FinishRecord read back.
    const [emptyExit, fullExit] = report.exitFlush.rows;
    assert.equal(report.exitFlush.rows.length, 2);
    assert.equal(emptyExit!.targetPoints, 0);
    assert.ok(fullExit!.targetPoints > 0 && fullExit!.pointsInRing >= fullExit!.targetPoints * 0.9, `${fullExit!.pointsInRing} of ${fullExit!.targetPoints} points in the ring at exit`);
    for (const e of report.exitFlush.rows) {
      assertPositive(e, ['exitFlushMs', 'ringBytes'], `exitFlush ${e.targetPoints}`);
      assert.equal(e.verifiedPoints, e.points, 'every point logged before process.exit() is in the run file');
      assert.equal(e.finishState, 'FINISHED');
    }

    // Memory: three counts, in order, with finite sizes.
    const mem = report.memory;
    assert.equal(mem.checkpoints.length, 3);
    assert.ok(isSorted(mem.checkpoints.map((c) => c.points)));
    for (const c of mem.checkpoints) assertPositive(c, ['points', 'rssMiB', 'heapUsedMiB', 'heapTotalMiB', 'rssPeakMiB'], `memory ${c.points}`);
    assertPositive(mem, ['rssBeforeInitMiB', 'rssStartMiB', 'heapUsedStartMiB', 'runFileMiB'], 'memory');

    // Training loops: both ran, with and without logging, and trained.
    assert.deepEqual(
      report.training.rows.map((t) => t.loop),
      ['tight', 'tfjs'],
    );
    for (const t of report.training.rows) {
      assertPositive(t, ['pairs', 'iterationsPerRun', 'iterationNsWithout', 'iterationNsWith'], `training ${t.loop}`);
      for (const f of ['overheadPct', 'overheadPctLo', 'overheadPctHi', 'overheadNsPerIteration', 'finalLoss'] as const) {
        assert.ok(Number.isFinite(t[f]), `training ${t.loop}.${f} = ${t[f]} is finite`);
      }
      assert.ok(t.overheadPctLo <= t.overheadPct && t.overheadPct <= t.overheadPctHi, `training ${t.loop}: the CI holds the median`);
    }
    const [tight, tfjs] = report.training.rows as [TrainingRow, TrainingRow];
    // The floor ran in the same place: an arm of the tight loop, timed in place in tfjs.
    assert.ok('pct' in tight.floor && tight.floor.pct.lo <= tight.floor.pct.median && tight.floor.pct.median <= tight.floor.pct.hi, 'tight: the floor arm ran');
    assert.ok('inPlaceNs' in tfjs.floor && tfjs.floor.inPlaceNs >= 0 && Number.isFinite(tfjs.floor.inPlacePct), 'tfjs: the floor timed in place');
    // The tight loop ran in several processes, its rounds pooled; each process's median kept.
    assert.ok(tight.processes > 1 && tight.perProcessPct.length === tight.processes && tight.perProcessPct.every(Number.isFinite), 'tight: several processes, each with its median');
    assert.ok(tight.aa && tight.aa.lo <= tight.aa.median && tight.aa.median <= tight.aa.hi, 'tight: the A/A arm (a second copy without logging) ran');
    assert.equal(tight.pairs % tight.processes, 0, 'tight: every process contributed the same number of rounds');
    // Over all the points, after the quick run's few iterations (seeded: the same every time):
    // better than chance, so the arms' copies of the loop trained one model.
    assert.ok(tight.finalLoss < Math.LN2 && tight.finalAcc > 0.55, `tight: the arms' copies of the loop trained one model (loss ${tight.finalLoss}, accuracy ${tight.finalAcc})`);
    assert.ok(tfjs.inPlaceLogNs >= 0 && Number.isFinite(tfjs.inPlacePct), 'tfjs: log() timed in place');
    const span = tfjs.callbackSpanUs;
    assert.ok(span && [span.none, span.callback, span.callbackLog, span.tfjsCallback].every((us) => Number.isFinite(us) && us > 0), 'tfjs: every arm\'s callback work timed in place');
    for (const part of [tfjs.handWritten, tfjs.callbackOnly, tfjs.logOnly]) {
      assert.ok(part && Number.isFinite(part.median) && part.lo <= part.median && part.median <= part.hi, 'tfjs: the overhead split into its callback and log()');
    }
    assert.ok(tfjs.finalAcc > 0.6, `tfjs: the model learned (accuracy ${tfjs.finalAcc})`);

    // Sustained load: every call timed, quantiles in order.
    const sus = report.sustained;
    assertPositive(sus, ['calls', 'seconds', 'achievedCallsPerSec', 'runFileMiB', 'ringBytes'], 'sustained');
    assert.equal(sus.points, sus.calls * 2);
    for (const [name, l] of [['log', sus.log], ['timerPair', sus.timerPair]] as const) {
      assert.ok(isSorted([l.p50Ns, l.p99Ns, l.p999Ns, l.p9999Ns, l.maxNs]), `sustained ${name}: quantiles in order`);
      assert.ok(l.p50Ns > 0 && l.over10us >= l.over100us && l.over100us >= l.over1ms, `sustained ${name}: counts`);
    }
    assert.equal(sus.log.count, sus.calls);
    assert.ok(sus.logOver10usWithGc <= sus.log.over10us && sus.logWorstWithoutGcNs <= sus.log.maxNs, 'sustained: slow calls checked against GC pauses');
    assert.equal(sus.timerPair.count, sus.calls / 10);

    assert.equal(report.targets.length, 11);
    for (const t of report.targets) {
      assert.equal(typeof t.pass, 'boolean');
      assert.ok(t.target.length > 0 && t.measured.length > 0);
    }
    assertPositive(report, ['totalSeconds'], 'report');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
