/**
 * Micro-bench: where log()'s fast path spends its time, one layer at a time, with no worker
 * (a full ring is emptied by hand, untimed in effect: once per 75 000 calls).
 *
 *   npm run build && node --import tsx bench/micro/log-breakdown.ts
 *
 * It loads the built modules (dist/cjs), as the package ships them: tsx's transform of src/
 * makes every row several times slower.
 *
 * Rows, each in its own process (so no row's type feedback leaks into another's):
 *   floor          the 56-byte {loss, acc} frame written into a SAB + Atomics.store, no checks
 *   for-in plain   floor + the for-in that checks the key list against a plain array
 *   for-in frozen  the same against Object.freeze()d array: ~7 ns more on Node 20, which is
 *                  why shape-writer.ts keeps a plain copy of the keys
 *   compiled       shape-writer.ts's compiled log() for {loss, acc}, over a RingWriter
 *   compiled eager the same, publishing the head with Atomics.store on every call, as before
 *                  RingWriter.commitLazy (no worker asks here, so `compiled` never publishes)
 *   encoder        LogEncoder.log(rec), the whole fast path below Run.log
 *   wide switch    compiled log() for a 32-key record (an object literal), its keys checked by
 *                  the switch of literals that short key lists get
 *   wide array     the same checked against the array of its keys, as lists over 4 keys are
 * Prints the median ns per call over 1000-call batches.
 */
import { execFileSync } from 'node:child_process';
import { Slot, createSharedRing } from '../../dist/cjs/shared/layout.js';
import { RingWriter } from '../../dist/cjs/shared/ring.js';
import { LogEncoder } from '../../dist/cjs/main/log-encoder.js';
import { compileShape } from '../../dist/cjs/main/shape-writer.js';

const ROWS = ['floor', 'for-in plain', 'for-in frozen', 'compiled', 'compiled eager', 'encoder', 'wide switch', 'wide array'] as const;
type Row = (typeof ROWS)[number];
const RING = 1 << 22;
const ROUNDS = 3000;
const WARMUP = 300;

type Rec = { loss: number; acc: number };

const WIDE_KEYS = ['loss', 'acc', ...Array.from({ length: 30 }, (_, i) => `layer${String(i).padStart(2, '0')}/grad_norm`)];
/** A 32-key object literal (keys assigned one by one would make a dictionary-mode object). */
const makeWide = new Function(`return () => ({ ${WIDE_KEYS.map((k) => `${JSON.stringify(k)}: 0.5`).join(', ')} });`)() as () => Rec;

/** A ring whose lazy commit is the eager one: the compiled writer as it was before commitLazy. */
class EagerRing extends RingWriter {
  override commitLazy(bytes: number): void {
    this.commit(bytes);
  }
}

function makeRow(row: Row): (r: Rec) => void {
  const ring = row === 'compiled eager' ? new EagerRing(createSharedRing(RING)) : new RingWriter(createSharedRing(RING));
  // Stands in for the worker: a full ring is emptied at once.
  const reserveSlow = (bytes: number): number => {
    Atomics.store(ring.ctrl, Slot.TAIL, Atomics.load(ring.ctrl, Slot.HEAD));
    return ring.reserve(bytes);
  };
  const { u32, f64 } = ring;
  const floor = (r: Rec): void => {
    let pos = ring.reserve(56);
    if (pos < 0) pos = reserveSlow(56);
    const w = pos >> 2, d = pos >> 3;
    u32[w] = 56; u32[w + 1] = 2 | (2 << 8); f64[d + 1] = ring.clock(); f64[d + 2] = -1;
    u32[w + 6] = 0; f64[d + 4] = r.loss;
    u32[w + 10] = 1; f64[d + 6] = r.acc;
    ring.commit(56);
  };
  const forIn = (keys: readonly string[]) => (r: Rec): void => {
    let n = 0;
    for (const k in r) {
      if (n >= 2 || keys[n] !== k) return;
      n++;
    }
    if (n === 2) floor(r);
  };
  switch (row) {
    case 'floor':
      return floor;
    case 'for-in plain':
      return forIn(['loss', 'acc']);
    case 'for-in frozen':
      return forIn(Object.freeze(['loss', 'acc']));
    case 'compiled':
    case 'compiled eager': {
      const log = compileShape(['loss', 'acc'], [0, 1], ring, reserveSlow).log;
      return (r) => void log(r, -1);
    }
    case 'wide switch':
    case 'wide array': {
      // The for-in keys of a record: internalized strings, as LogEncoder hands them over.
      const keys = Object.keys(makeWide());
      const log = compileShape(keys, keys.map((_, i) => i), ring, reserveSlow, row === 'wide switch' ? keys.length : 0).log;
      return (r) => void log(r, -1);
    }
    case 'encoder': {
      const encoder = new LogEncoder(ring, {
        strict: true,
        problem: (p) => { throw p.error; },
        warn: () => {},
        reserveSlow,
        closed: () => {},
        postBlob: () => {},
      });
      return (r) => encoder.log(r, undefined);
    }
  }
}

function measure(row: Row): number {
  const write = makeRow(row);
  const rec: Rec = row.startsWith('wide') ? makeWide() : { loss: 0.5, acc: 0.5 };
  const batch = (n: number): void => {
    for (let i = 0; i < n; i++) {
      rec.loss = i * 1e-9;
      rec.acc = 1 - rec.loss;
      write(rec);
    }
  };
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.hrtime.bigint();
    batch(1000);
    if (round >= WARMUP) times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

const only = process.argv[2] as Row | undefined;
if (only !== undefined) {
  process.stdout.write(`${measure(only)}\n`);
} else {
  console.log(`Node ${process.version}: median ns per call, {loss, acc} (wide: 32 keys), no worker`);
  for (const row of ROWS) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, row], { encoding: 'utf8' });
    console.log(`${row.padEnd(14)} ${Number(out).toFixed(1).padStart(6)}`);
  }
}
