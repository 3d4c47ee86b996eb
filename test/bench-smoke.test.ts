// `npm run bench` with BENCH_QUICK=1 (tiny counts), so the bench cannot rot unnoticed
// (synckit's CI runs its benchmark; thread-stream's assertion-less bench test is what to avoid).
// Quick numbers are too small to read against the targets; what is asserted here holds on
// any machine: every scenario ran and reported finite positive numbers, the allocation
// method tells an allocating path from its control, and every end-to-end point reached the
// run file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { BenchReport } from '../bench/index.js';

const root = path.resolve(__dirname, '..');
const tsxLoader = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;

function assertPositive(row: object, fields: readonly string[], where: string): void {
  for (const f of fields) {
    const v = (row as Record<string, unknown>)[f];
    assert.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${where}.${f} = ${String(v)} is a finite number > 0`);
  }
}

test('BENCH_QUICK=1 bench runs every scenario and writes a complete result file', { timeout: 120_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-bench-smoke-'));
  const resultsDir = path.join(root, 'bench', 'results');
  const before = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : [];
  try {
    const r = spawnSync(process.execPath, ['--import', tsxLoader, path.join(root, 'bench', 'index.ts')], {
      cwd: root,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT_DIR: out },
      encoding: 'utf8',
      timeout: 110_000,
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
    assert.equal(report.machine.node, process.version);
    assert.ok(report.machine.cores > 0 && report.machine.cpu.length > 0 && report.machine.os.length > 0);

    // Per call: every variant, every number finite and > 0, one sample per timed round.
    const pc = report.perCall;
    assert.deepEqual(
      pc.rows.map((row) => row.name),
      ['swanlab.log', 'run.log', 'floor', 'empty', 'postMessage', 'writeSync'],
    );
    for (const row of pc.rows) {
      assertPositive(row, ['medianNs', 'p99Ns', 'meanNs', 'ratio', 'batches'], `perCall ${row.name}`);
      assert.equal(row.batches, pc.rounds);
      assert.ok(row.p99Ns >= row.medianNs, `perCall ${row.name}: p99 ≥ median`);
    }
    const ns = (name: string) => pc.rows.find((row) => row.name === name)!.medianNs;
    assert.equal(pc.rows[0]!.ratio, 1);
    assert.ok(ns('swanlab.log') < ns('postMessage'), `log() ${ns('swanlab.log')} ns beats postMessage ${ns('postMessage')} ns`);
    assert.ok(ns('swanlab.log') < ns('writeSync'), `log() ${ns('swanlab.log')} ns beats writeSync ${ns('writeSync')} ns`);
    assert.equal(pc.postMessageDelivered, (pc.rounds + pc.warmupRounds) * pc.batch, 'the postMessage worker got every message');
    assert.ok(pc.ringPeakFill >= 0 && pc.ringPeakFill < 0.5, `the swanlab ring stayed far from full (${pc.ringPeakFill})`);

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

    assert.equal(report.targets.length, 5);
    for (const t of report.targets) {
      assert.equal(typeof t.pass, 'boolean');
      assert.ok(t.target.length > 0 && t.measured.length > 0);
    }
    assertPositive(report, ['totalSeconds'], 'report');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
