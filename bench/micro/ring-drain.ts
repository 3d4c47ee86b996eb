/**
 * Micro-bench: the worker's drain of 4-metric SCALARS frames into the run file, in one
 * thread (ring, dispatcher, step assignment, encoding, framing, write), ns per record.
 *
 *   npm run build && node --import tsx bench/micro/ring-drain.ts
 *   node --trace-deopt --import tsx bench/micro/ring-drain.ts | grep -c 'deoptimizing.*drain'
 *
 * The second line counts deoptimizations of RingReader.drain: it is why drain() releases the
 * ring's space inside its loop with nothing after the loop. On Node 24 code after that loop
 * made the OSR-compiled drain deoptimize at every exit (184 times in 200 drains, each drain
 * then starting unoptimized and compiled again on a background thread); now 3, and on
 * Node 20 it was 2. The time per record in this bench is about the same either way: its
 * drains are long; the worker's are 20 ms. It was ~750 ns on both Node 20 and 24 before the
 * run file's timestamp cache and word-wise CRC (src/format/encode.ts, crc32.ts), ~575 and
 * ~530 ns after, ~550 and ~510 ns with the key also copied in words (runs alternating).
 * It loads the built modules (dist/cjs), as the worker runs them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSharedRing } from '../../dist/cjs/shared/layout.js';
import { RingReader, RingWriter } from '../../dist/cjs/shared/ring.js';
import { LogEncoder } from '../../dist/cjs/main/log-encoder.js';
import { FrameDispatcher } from '../../dist/cjs/worker/dispatch.js';
import { Metrics } from '../../dist/cjs/worker/metrics.js';
import { RunFile } from '../../dist/cjs/worker/run-file.js';

const DRAINS = 200;
const WARMUP = 20;
const RECORDS_PER_DRAIN = 20_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-ring-drain-'));
const file = new RunFile(dir, { project: 'bench', workspace: '', name: 'drain', description: '', tags: [], color: '', id: 'drain', startedAt: Date.now() });
const metrics = new Metrics(file, () => {});
const sab = createSharedRing(16 << 20);
const reader = new RingReader(sab);
reader.setClock(Date.now());
// Scalars only: no console or media frames reach the dispatcher here.
const dispatcher = new FrameDispatcher(reader, metrics, () => {}, undefined as never, undefined as never);
const encoder = new LogEncoder(new RingWriter(sab), {
  strict: true,
  problem: (p) => {
    throw p.error;
  },
  warn: () => {},
  reserveSlow: () => -1,
  closed: () => {},
  postBlob: () => {},
});
const rec = { 'train/loss': 0, 'train/acc': 0, 'train/lr': 0.05, 'train/epoch': 0 };
const times: number[] = [];
let n = 0;
for (let d = 0; d < DRAINS; d++) {
  for (let i = 0; i < RECORDS_PER_DRAIN; i++, n++) {
    rec['train/loss'] = 1 / (n + 1);
    rec['train/acc'] = 1 - rec['train/loss'];
    rec['train/epoch'] = n >> 10;
    encoder.log(rec, undefined);
  }
  reader.setClock(Date.now());
  const t0 = process.hrtime.bigint();
  reader.drain(dispatcher.visit);
  file.flush();
  if (d >= WARMUP) times.push(Number(process.hrtime.bigint() - t0) / RECORDS_PER_DRAIN);
}
times.sort((a, b) => a - b);
console.log(`Node ${process.version}: drain of a 4-metric record, median ${times[times.length >> 1]!.toFixed(0)} ns (${DRAINS - WARMUP} drains of ${RECORDS_PER_DRAIN})`);
fs.rmSync(dir, { recursive: true, force: true });
