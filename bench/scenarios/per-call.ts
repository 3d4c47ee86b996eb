/**
 * Main-thread nanoseconds per call of the same record, for swanlab-node's log() and what it
 * is weighed against (bench/lib/alternatives.ts), for one of three records:
 *
 *   pair     {loss, acc}, keys already seen (the headline numbers)
 *   wide     32 keys ({loss, acc} and 30 more), keys already seen
 *   new-key  one metric whose key was never seen before, a new one each call (interning)
 *
 * The variants run interleaved: each round times one batch of every variant (hrtime.bigint
 * around the batch), in an order that rotates each round, so machine drift, the worker
 * threads on the second core and GC pauses hit all of them alike. The statistics are over
 * per-batch means: "p99" is the 99th percentile of batch means, not of single calls (a single
 * call is shorter than the clock's own cost). Work a variant defers to a later event-loop
 * turn on the main thread is timed where the bench can run it synchronously (W&B's sender)
 * and said otherwise (pino's copy into its shared buffer).
 *
 *   node --import tsx bench/scenarios/per-call.ts [pair|wide|new-key]   (bench/index.ts runs all three)
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Swanlab from 'swanlab-node';
import { QUICK, mean, quantile, report, ringOf, runMain, sleepSync, sorted, tempDir } from '../lib/common.js';
import { compileFloor, floorFrameBytes, floorRing, internFloor, openPino, openPostMessageSink, openWandbOffline } from '../lib/alternatives.js';

export type RecordKind = 'pair' | 'wide' | 'new-key';
const KIND = (process.argv[2] ?? 'pair') as RecordKind;
if (!['pair', 'wide', 'new-key'].includes(KIND)) throw new Error(`per-call.ts: unknown record ${KIND}`);

/** Keys of the 32-key record: {loss, acc} first, so every batch loop updates the same two fields. */
export const WIDE_KEYS = ['loss', 'acc', ...Array.from({ length: 30 }, (_, i) => `layer${String(i).padStart(2, '0')}/grad_norm`)];
const KEYS = KIND === 'pair' ? ['loss', 'acc'] : KIND === 'wide' ? WIDE_KEYS : ['new/<n>'];

/**
 * Batch size and rounds: a round runs one batch of every variant, and W&B with its sender or
 * fs.writeSync cost µs a call (tens of µs for 32 keys), so wide and new-key records take
 * smaller batches. New keys stay few: each one is a column of the run, and the point is the
 * first call of a key, not a run of 10^6 columns.
 */
const PLAN = {
  pair: { batch: 1000, rounds: QUICK ? 60 : 1000, warmup: QUICK ? 20 : 150 },
  wide: { batch: 200, rounds: QUICK ? 30 : 600, warmup: QUICK ? 10 : 100 },
  'new-key': { batch: 100, rounds: QUICK ? 10 : 50, warmup: QUICK ? 3 : 10 },
}[KIND];
const BATCH = PLAN.batch;
const ROUNDS = PLAN.rounds;
/** The swanlab ring: 16 MiB. The bench keeps it under a quarter full (see pace()), so log() never waits for space. */
const RING_BYTES = QUICK ? 1 << 22 : 1 << 24;
/** Warm-up rounds of every variant, untimed: enough for TurboFan to optimize every batch function. */
const WARMUP_ROUNDS = PLAN.warmup;
/**
 * Before the warm-up, the shared-memory variants alone run until their rings have wrapped
 * once. Both rings are mapped up front (swanlab-node's worker prefaults its ring,
 * RingReader.prefault; floorRing() maps its own), but a ring's first lap still costs more:
 * its cache lines have never been written (a burst of log() calls into a first lap, paced so
 * the worker keeps up, ~30-60 ns a call here against ~17-30 ns on the second). The floor gets
 * a ring of the same size and the same lap. New keys are first calls by nature: their rings
 * are not lapped first.
 */
const LAP_BATCHES = KIND === 'new-key' ? 0 : Math.ceil(RING_BYTES / floorFrameBytes(KEYS.length) / BATCH) + 10;

export interface PerCallRow {
  name: string;
  label: string;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  /** This variant's median over swanlab-node log()'s median. */
  ratio: number;
  batches: number;
}

export interface PerCallResult {
  /** Which record (absent in results older than the wide/new-key rows: 'pair'). */
  record: RecordKind;
  /** Metrics per call. */
  keys: number;
  batch: number;
  rounds: number;
  warmupRounds: number;
  ringBytes: number;
  /** Largest fraction of the swanlab ring found in use before a batch (the bench keeps it < 0.25 + one batch). */
  ringPeakFill: number;
  /** Rounds after which the bench waited, untimed, for the worker to drain the ring. */
  paceWaits: number;
  postMessageDelivered: number;
  rows: PerCallRow[];
}

type Rec = Record<string, number>;
/** The variants that write into a SharedArrayBuffer ring, whose first lap is not timed. */
const SHARED_MEMORY = new Set(['swanlab.log', 'run.log', 'floor', 'floor-24B']);
interface Variant {
  name: string;
  label: string;
  fn: (n: number, x: number) => void;
  /** Untimed, before the batch. */
  before?: () => void;
  /** Untimed, after the batch. */
  after?: () => void;
}

async function main(): Promise<void> {
  // The package's ES module face, as `import * as swanlab from 'swanlab-node'` gives it to an
  // ES module (a static import here would go through tsx's CommonJS interop getters instead).
  const swanlab: typeof Swanlab = await import('swanlab-node');
  const tmp = tempDir('swanlab-bench-percall-');

  // --- the record ----------------------------------------------------------------------
  // The 32-key record is an object literal, as a user writes it: built key by key with
  // computed keys, V8 would switch it to dictionary mode past 12 added properties, and every
  // variant would pay for hash lookups no user's record has.
  const makeRec = (KIND === 'wide'
    ? new Function(`return () => ({ ${WIDE_KEYS.map((k, i) => `${JSON.stringify(k)}: ${i < 2 ? 0.5 : 0.25}`).join(', ')} });`)()
    : () => ({ loss: 0.5, acc: 0.5 })) as () => Rec;
  const rec = makeRec();
  // W&B's run.log() adds `_step` to the object it is given: its own copy keeps `rec`'s shape.
  const wandbRec = makeRec();
  // new-key: a fresh batch of one-key records before each timed batch (untimed), every key new.
  let recs: Rec[] = [];
  let newKeys = 0;
  const prepare = (): void => {
    recs = new Array<Rec>(BATCH);
    for (let i = 0; i < BATCH; i++) recs[i] = { [`new/${newKeys++}`]: i * 1e-3 };
  };
  // One `pick` per record kind, the same function in every variant: its call sites stay
  // monomorphic and V8 inlines it, so a batch loop costs the same for every variant.
  const pick: (i: number, x: number) => Rec =
    KIND === 'new-key'
      ? (i) => recs[i]!
      : (i, x) => {
          rec.loss = x + i * 1e-9;
          rec.acc = 1 - rec.loss;
          return rec;
        };
  const pickW: (i: number, x: number) => Rec =
    KIND === 'new-key'
      ? (i) => recs[i]!
      : (i, x) => {
          wandbRec.loss = x + i * 1e-9;
          wandbRec.acc = 1 - wandbRec.loss;
          return wandbRec;
        };

  // --- swanlab-node ------------------------------------------------------------------
  const run = swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), ringBytes: RING_BYTES, mode: 'offline', config: { bench: `per-call ${KIND}` } });
  const ring = ringOf(run);
  if (KIND !== 'new-key') swanlab.log(rec); // interns the keys: every timed call takes the known-keys path

  // As a user writes it in an ES module: `import * as swanlab from 'swanlab-node'` (a static
  // import, in bench/lib/esm-log.mjs; it shares this process's module instance and run).
  const { makeSwanlabLog } = await import('../lib/esm-log.mjs');
  const swanlabLog = makeSwanlabLog(pick);
  function runLog(n: number, x: number): void {
    for (let i = 0; i < n; i++) run.log(pick(i, x));
  }

  // --- floor: the least a shared-memory logger can do -----------------------------------
  const floorRingBuf = floorRing(RING_BYTES);
  // For {loss, acc}, written out: the 56-byte frame swanlab-node writes (u32 length, u32
  // kind|count, f64 time copied from a shared slot, f64 step, then per metric u32 key id, an
  // unused u32 neither writes, f64 value) into a SharedArrayBuffer ring of the same size, then
  // one Atomics.store of the head. Values read by name, key ids constant, nothing validated,
  // no check for room.
  const { u32, f64, ctrl, clock } = floorRingBuf;
  let floorHead = 0;
  function floorWrite(r: Rec): void {
    const pos = floorHead + 56 > RING_BYTES ? 0 : floorHead;
    const w = pos >> 2;
    const d = pos >> 3;
    u32[w] = 56;
    u32[w + 1] = 2 | (2 << 8);
    f64[d + 1] = clock[16]!;
    f64[d + 2] = -1;
    u32[w + 6] = 0;
    f64[d + 4] = r.loss!;
    u32[w + 10] = 1;
    f64[d + 6] = r.acc!;
    floorHead = pos + 56;
    Atomics.store(ctrl, 0, floorHead);
  }
  if (KIND === 'pair') checkFloorMatchesCompiled(floorWrite, floorRingBuf, rec);
  const floorOf: (r: Rec) => void = KIND === 'pair' ? floorWrite : KIND === 'wide' ? compileFloor(WIDE_KEYS, floorRingBuf) : internFloor(floorRingBuf);
  function floor(n: number, x: number): void {
    for (let i = 0; i < n; i++) floorOf(pick(i, x));
  }
  // The floor of the previous bench (kept as a row for comparison): 8-byte header and the
  // two floats, 24 bytes, no key ids, time or step. Below what any logger that keeps keys can do.
  const bare = floorRing(RING_BYTES);
  let bareHead = 0;
  function floor24(n: number, x: number): void {
    for (let i = 0; i < n; i++) {
      const r = pick(i, x);
      const pos = bareHead + 24 > RING_BYTES ? 0 : bareHead;
      bare.u32[pos >> 2] = 24;
      bare.u32[(pos >> 2) + 1] = 2 | (2 << 8);
      bare.f64[(pos >> 3) + 1] = r.loss!;
      bare.f64[(pos >> 3) + 2] = r.acc!;
      bareHead = pos + 24;
      Atomics.store(bare.ctrl, 0, bareHead);
    }
  }

  // --- an empty function call (V8 inlines it: this is the batch loop's own cost) --------
  let sink = 0;
  function empty(r: Rec): void {
    if (r === undefined) sink++;
  }
  function emptyCall(n: number, x: number): void {
    for (let i = 0; i < n; i++) empty(pick(i, x));
  }

  // --- @wandb/sdk run.log(), networking off ------------------------------------------------
  const wandb = await openWandbOffline();
  const wandbRun = wandb.run;
  function wandbLog(n: number, x: number): void {
    for (let i = 0; i < n; i++) wandbRun.log(pickW(i, x));
  }
  function wandbLogAndSend(n: number, x: number): void {
    for (let i = 0; i < n; i++) wandbRun.log(pickW(i, x));
    wandb.drain(true);
  }

  // --- pino with its worker-thread transport, to a file -----------------------------------
  const pinoT = await openPino(path.join(tmp.dir, 'pino.log'));
  const logger = pinoT.logger;
  function pinoInfo(n: number, x: number): void {
    for (let i = 0; i < n; i++) logger.info(pick(i, x));
  }

  // --- worker.postMessage to a worker that appends JSON lines to a file -------------------
  const pm = openPostMessageSink(path.join(tmp.dir, 'postmessage.jsonl'));
  const pmWorker = pm.worker;
  let posted = 0;
  function postMessage(n: number, x: number): void {
    for (let i = 0; i < n; i++) pmWorker.postMessage(pick(i, x));
    posted += n;
  }

  // --- fs.writeSync of one JSON line -------------------------------------------------------
  const fd = fs.openSync(path.join(tmp.dir, 'writesync.jsonl'), 'a');
  function writeSync(n: number, x: number): void {
    for (let i = 0; i < n; i++) fs.writeSync(fd, JSON.stringify(pick(i, x)) + '\n');
  }

  let paceWaits = 0;
  let peakUsed = 0;
  // Keep the swanlab ring under a quarter full, waiting untimed for the worker when it is not,
  // so no timed log() ever meets a full ring (which would make it wait for space).
  const pace = (): void => {
    let used = ring.usedBytes();
    if (used > peakUsed) peakUsed = used;
    if (used <= ring.capacity / 4) return;
    paceWaits++;
    const deadline = Date.now() + 10_000;
    while (used > ring.capacity / 8) {
      if (Date.now() > deadline) throw new Error(`bench: the worker left ${used} bytes in the ring for 10 s`);
      sleepSync(1);
      used = ring.usedBytes();
    }
  };
  const freshKeys = KIND === 'new-key' ? prepare : undefined;
  const swanBefore = (): void => {
    freshKeys?.();
    pace();
  };

  const what = KIND === 'pair' ? 'rec' : KIND === 'wide' ? 'rec32' : 'recNew';
  const all: (Variant | false)[] = [
    { name: 'swanlab.log', label: `swanlab-node \`swanlab.log(${what})\``, fn: swanlabLog, before: swanBefore },
    KIND !== 'new-key' && { name: 'run.log', label: `swanlab-node \`run.log(${what})\``, fn: runLog, before: swanBefore },
    {
      name: 'floor',
      label:
        KIND === 'pair'
          ? 'floor: the same 56 B frame into a SAB + `Atomics.store`'
          : KIND === 'wide'
            ? 'floor: the same 536 B frame into a SAB + `Atomics.store`'
            : 'floor: Map insert + key bytes + 40 B frame into a SAB + `Atomics.store`',
      fn: floor,
      before: freshKeys,
    },
    KIND === 'pair' && { name: 'floor-24B', label: 'bare: 8 B header + two f64 (24 B, no key ids, time or step)', fn: floor24 },
    { name: 'empty', label: 'empty function call (inlined)', fn: emptyCall, before: freshKeys },
    {
      name: 'wandb.log',
      label: `\`@wandb/sdk\` \`run.log(${what})\`, offline: the call`,
      fn: wandbLog,
      before: freshKeys,
      // Its sender's share is the next row's: here the records are received and dropped, untimed.
      after: () => wandb.drain(false),
    },
    KIND !== 'new-key' && {
      name: 'wandb.log+sender',
      label: `\`@wandb/sdk\` \`run.log(${what})\`, offline: the call + its sender on this thread`,
      fn: wandbLogAndSend,
    },
    { name: 'pino', label: `\`pino\` \`logger.info(${what})\`, \`pino.transport\` to a file`, fn: pinoInfo, before: freshKeys, after: pinoT.flushSync },
    { name: 'postMessage', label: `\`worker.postMessage(${what})\` (worker appends to a file)`, fn: postMessage, before: freshKeys },
    { name: 'writeSync', label: `\`fs.writeSync(fd, JSON.stringify(${what}) + "\\n")\``, fn: writeSync, before: freshKeys },
  ];
  const variants = all.filter((v): v is Variant => v !== false);
  const samples: number[][] = variants.map(() => []);

  for (let b = 0; b < LAP_BATCHES; b++) {
    for (const v of variants) {
      if (!SHARED_MEMORY.has(v.name)) continue;
      v.before?.();
      v.fn(BATCH, b);
    }
  }

  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const timed = round >= WARMUP_ROUNDS;
    for (let j = 0; j < variants.length; j++) {
      const v = (round + j) % variants.length;
      const variant = variants[v]!;
      variant.before?.();
      const fn = variant.fn;
      const t0 = process.hrtime.bigint();
      fn(BATCH, round);
      const t1 = process.hrtime.bigint();
      variant.after?.();
      if (timed) samples[v]!.push(Number(t1 - t0) / BATCH);
    }
  }

  fs.closeSync(fd);
  const delivered = await pm.close();
  await pinoT.close();
  await wandb.finish();
  await swanlab.finish();
  tmp.remove();
  if (delivered !== posted) throw new Error(`bench: the postMessage worker got ${delivered} of ${posted} messages`);
  if (sink !== 0) throw new Error('bench: the empty call saw no record');

  const swanMedian = quantile(sorted(samples[0]!), 0.5);
  const rows: PerCallRow[] = variants.map((v, i) => {
    const s = sorted(samples[i]!);
    const medianNs = quantile(s, 0.5);
    return { name: v.name, label: v.label, medianNs, p99Ns: quantile(s, 0.99), meanNs: mean(s), ratio: medianNs / swanMedian, batches: s.length };
  });
  const result: PerCallResult = {
    record: KIND,
    keys: KIND === 'new-key' ? 1 : KEYS.length,
    batch: BATCH,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    ringBytes: RING_BYTES,
    ringPeakFill: peakUsed / ring.capacity,
    paceWaits,
    postMessageDelivered: delivered,
    rows,
  };
  report(result);
}

/** The hand-written floor writes byte for byte what compileFloor() generates for the same keys. */
function checkFloorMatchesCompiled(hand: (r: Rec) => void, handRing: ReturnType<typeof floorRing>, r: Rec): void {
  const other = floorRing(4096);
  other.clock[16] = handRing.clock[16]!;
  hand(r);
  compileFloor(['loss', 'acc'], other)(r);
  const a = new Uint8Array(handRing.u32.buffer, 256, 56);
  const b = new Uint8Array(other.u32.buffer, 256, 56);
  if (!a.every((byte, i) => byte === b[i]) || Atomics.load(handRing.ctrl, 0) !== Atomics.load(other.ctrl, 0)) {
    throw new Error('bench: the hand-written floor and compileFloor() disagree');
  }
}

runMain(main);
