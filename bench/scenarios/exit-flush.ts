/**
 * How long the exit flush takes: a child process logs {loss, acc} until at least POINTS
 * points are waiting in the ring (the worker is running and draining all the while; the
 * ring is made big enough to hold them), then calls process.exit(0). swanlab-node's 'exit'
 * listener blocks until the worker has written and fsynced everything; a listener added
 * after init() runs after it and prints how long that took. The parent (this file without
 * `child`) then reads the run file back: every point and the FinishRecord must be there.
 * bench/index.ts runs it twice: with POINTS and with an empty ring, the flush's fixed part.
 *
 *   node --import tsx bench/scenarios/exit-flush.ts [points]      (bench/index.ts runs it)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as swanlab from 'swanlab-node';
import { Slot, WorkerState } from '../../src/shared/layout.js';
import { RunState } from '../../src/format/index.js';
import { QUICK, RESULT_MARKER, TSX_LOADER, report, ringOf, runFileMiB, runMain, tempDir, tick } from '../lib/common.js';

const FRAME_BYTES = 56; // a two-metric SCALARS frame

export interface ExitFlushResult {
  /** Points the run was asked to hold in the ring at process.exit(). */
  targetPoints: number;
  /** Points actually in the ring (not yet read by the worker) when process.exit() was called: whole two-metric frames. */
  pointsInRing: number;
  /** Points logged in all. */
  points: number;
  ringBytes: number;
  /** From the process.exit() call to the end of swanlab-node's exit listener (written and fsynced). */
  exitFlushMs: number;
  /** Scalar records of the logged keys read back from the run file (must equal `points`). */
  verifiedPoints: number;
  /** State in the run's FinishRecord ('FINISHED'), or 'none'. */
  finishState: string;
  runFileMiB: number;
}

interface ChildReport {
  points: number;
  pointsInRing: number;
  ringBytes: number;
  exitFlushMs: number;
}

async function child(logdir: string, targetPoints: number): Promise<void> {
  const calls = targetPoints / 2;
  // A power of two with room for the target and the calls logged while the worker drains.
  let ringBytes = 1 << 22;
  while (ringBytes < calls * FRAME_BYTES * 2) ringBytes *= 2;
  const run = swanlab.init({ logdir, ringBytes, mode: 'offline', config: { bench: 'exit-flush' } });
  const ring = ringOf(run);
  for (let waited = 0; Atomics.load(ring.ctrl, Slot.STATE) !== WorkerState.RUNNING; waited += 5) {
    if (waited > 10_000) throw new Error('bench: the worker did not start within 10 s');
    await tick(5);
  }
  const rec = { loss: 0, acc: 0 };
  const target = calls * FRAME_BYTES;
  let i = 0;
  for (; i < calls * 8; i++) {
    rec.loss = 1 / (1 + i);
    rec.acc = i / calls;
    swanlab.log(rec);
    if ((i & 1023) === 1023 && ring.usedBytes() >= target) {
      i++;
      break;
    }
  }
  const inRing = ring.usedBytes();
  const t0 = process.hrtime.bigint();
  process.on('exit', () => {
    // The ring also holds the run's few KEY and control frames: count whole scalar frames only.
    const pointsInRing = Math.min(i * 2, Math.floor(inRing / FRAME_BYTES) * 2);
    const result: ChildReport = { points: i * 2, pointsInRing, ringBytes, exitFlushMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    fs.writeSync(1, `${RESULT_MARKER}${JSON.stringify(result)}\n`);
  });
  process.exit(0);
}

async function parent(targetPoints: number): Promise<void> {
  const tmp = tempDir('swanlab-bench-exit-');
  const logdir = path.join(tmp.dir, 'swanlog');
  const out = await new Promise<string>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', TSX_LOADER, __filename, 'child', logdir, String(targetPoints)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    c.stdout.setEncoding('utf8');
    c.stdout.on('data', (d: string) => (text += d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench: exit-flush child exited ${code}:\n${text}`))));
  });
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`bench: the exit-flush child printed no result:\n${out}`);
  const c = JSON.parse(line.slice(RESULT_MARKER.length)) as ChildReport;

  const runDir = fs.readdirSync(logdir).find((n) => n.startsWith('run-'));
  if (runDir === undefined) throw new Error(`bench: no run folder in ${logdir}`);
  let verifiedPoints = 0;
  let finishState = 'none';
  for (const r of swanlab.readRun(path.join(logdir, runDir))) {
    // Only the bench's own metrics: the worker may add its own (hardware monitor).
    if (r.recordType.case === 'scalar' && (r.recordType.value.key === 'loss' || r.recordType.value.key === 'acc')) verifiedPoints++;
    else if (r.recordType.case === 'finish') finishState = RunState[r.recordType.value.state] ?? String(r.recordType.value.state);
  }
  const runFileSize = runFileMiB(path.join(logdir, runDir));
  tmp.remove();
  const result: ExitFlushResult = {
    targetPoints,
    pointsInRing: c.pointsInRing,
    points: c.points,
    ringBytes: c.ringBytes,
    exitFlushMs: c.exitFlushMs,
    verifiedPoints,
    finishState,
    runFileMiB: runFileSize,
  };
  report(result);
}

const [mode, ...rest] = process.argv.slice(2);
runMain(() => (mode === 'child' ? child(rest[0]!, Number(rest[1])) : parent(Number(mode ?? (QUICK ? 20_000 : 1_000_000)))));
