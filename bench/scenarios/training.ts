/**
 * Training-loop overhead: a real training loop run with and without logging 4 metrics every
 * iteration, interleaved (A B, B A, A B … so drift and the other threads hit both alike), with
 * one swanlab run alive throughout. The overhead is the median over pairs of (time with /
 * time without − 1), with a distribution-free 95 % confidence interval.
 *
 * The tight loop runs in several processes (JMH's forks), its rounds pooled: how V8 lays out a
 * log() call inlined into a user's loop is decided once per process, and the same code costs
 * 20-55 ns an iteration from one process to the next, a spread no number of rounds in one
 * process averages out. Each process's own median is reported beside the pooled one.
 *
 *   node --import tsx bench/scenarios/training.ts tight   a hand-written MLP, a few µs an iteration
 *   node --import tsx bench/scenarios/training.ts tfjs    @tensorflow/tfjs (CPU backend) model.fit,
 *                                                         logging every batch from a callback
 *
 * "Without" is the loop a user has before adding a logger: for tfjs, model.fit with no
 * callback at all. The tfjs rounds have four runs: no callback; a hand-written
 * `{ onBatchEnd }` object without log() and with it (tfjs wraps such an object in a
 * CustomCallback that reads the loss tensors through an awaited data() and awaits the function,
 * so that arm pays tfjs's cost of calling it); and swanlab.tfjsCallback(tf), a tf.Callback that
 * reads the scalars with dataSync(). The headline overhead is swanlab.tfjsCallback's.
 *
 * Wall-clock A/B on a shared 2-core machine cannot resolve 0.1 % of a tfjs batch (identical
 * arms differ by ±0.5 %), so the scenario also measures in place: tf.CallbackList's onBatchEnd
 * (every callback's per-batch work, awaited in turn) is timed in every run, and its median per
 * arm, less the no-callback arm's, is what each way of logging adds to a batch; and, in extra
 * fits after the rounds, each log() call is timed in the hand-written callback (hrtime around
 * the call, minus an empty hrtime pair timed just before it, as cold as the call).
 *
 * Both loops also run the floor in the same place (bench/lib/alternatives.ts `compileFloor`:
 * the same frame written into a SharedArrayBuffer with one Atomics.store, nothing checked), so
 * each overhead can be read against what any shared-memory logger pays in that loop: in the
 * tight loop as one more run per round, in tfjs timed in place on alternate batches. The tight
 * loop's rounds also run a second copy of the loop without logging (A/A): what the bench reads
 * as overhead where there is none.
 */
import path from 'node:path';
import type * as Swanlab from 'swanlab-node';
import type * as Tfjs from '@tensorflow/tfjs';
import { compileFloor, floorRing } from '../lib/alternatives.js';
import { QUICK, mean, medianCI, quantile, report, runMain, runScenario, sorted, tempDir } from '../lib/common.js';

const LOOP = process.argv[2] ?? 'tight';
/** The child mode of the tight loop: one process's rounds, reported raw to the parent. */
const TIGHT_PROCESS = 'tight-process';

export interface TrainingResult {
  loop: 'tight' | 'tfjs';
  /** What was trained, in words. */
  model: string;
  /** Interleaved pairs timed (after the warm-up pairs), all processes together. */
  pairs: number;
  /** Processes the pairs were timed in (tight: several, pooled; tfjs: one). */
  processes: number;
  /** Each process's median overhead, percent (tight; one entry for tfjs). */
  perProcessPct: number[];
  /** Iterations (tight) or batches (tfjs) per timed run. */
  iterationsPerRun: number;
  /** Median ns per iteration without / with logging. */
  iterationNsWithout: number;
  iterationNsWith: number;
  /** Median over pairs of (with / without − 1), in percent, and its 95 % CI. */
  overheadPct: number;
  overheadPctLo: number;
  overheadPctHi: number;
  /** Median over pairs of the difference, ns per iteration. */
  overheadNsPerIteration: number;
  /**
   * tfjs only, the hand-written `{ onBatchEnd }` callback: with log() against no callback; the
   * same callback without the log() call against no callback (tfjs's own per-batch callback
   * cost), and with log() against without (log()'s share); percent, A/B.
   */
  handWritten?: Interval;
  callbackOnly?: Interval;
  logOnly?: Interval;
  /**
   * tfjs only: median µs per batch inside tf.CallbackList's onBatchEnd, for each arm: no
   * callback, the hand-written callback without and with log(), swanlab.tfjsCallback.
   */
  callbackSpanUs?: { none: number; callback: number; callbackLog: number; tfjsCallback: number };
  /**
   * tfjs only: ns inside log() per call, timed in place, minus an empty hrtime pair timed in
   * the same callback; medians of the calls (a preemption of the process lands in a few calls
   * and would dominate a mean); -1 for tight.
   */
  inPlaceLogNs: number;
  /** tfjs only: the same with means; -1 for tight. */
  inPlaceLogMeanNs: number;
  /** tfjs only: inPlaceLogNs over the median batch time, in percent; -1 for tight. */
  inPlacePct: number;
  /**
   * The floor in the same loop: tight, one more run per round against the run without logging
   * (median over rounds, percent, and ns per iteration); tfjs, timed in place like log() on
   * alternate batches (ns, and percent of the median batch).
   */
  floor: { pct: Interval; nsPerIteration: number } | { inPlaceNs: number; inPlacePct: number };
  /**
   * tight only: a second compiled copy of the loop without logging against the first (A/A,
   * percent): what the bench reads as overhead when there is none, its resolution in this run.
   */
  aa?: Interval;
  /** A sanity check that the loop trained: final loss and accuracy (tight: over all its points; tfjs: of the last run). */
  finalLoss: number;
  finalAcc: number;
}

/** A median over pairs, in percent, with its 95 % CI. */
export interface Interval {
  median: number;
  lo: number;
  hi: number;
}

/** The 4 metrics logged every iteration. */
type Metrics = { 'train/loss': number; 'train/acc': number; 'train/lr': number; 'train/epoch': number };

async function main(): Promise<void> {
  if (LOOP === 'tight') {
    report(await tightProcesses());
    return;
  }
  if (LOOP !== 'tfjs' && LOOP !== TIGHT_PROCESS) throw new Error(`bench training: unknown loop ${JSON.stringify(LOOP)} (tight or tfjs)`);
  const swanlab: typeof Swanlab = await import('swanlab-node');
  const tmp = tempDir('swanlab-bench-training-');
  swanlab.init({ logdir: path.join(tmp.dir, 'swanlog'), mode: 'offline', config: { bench: `training ${LOOP}` } });
  const result = LOOP === 'tfjs' ? await tfjsLoop(swanlab) : tightLoop(swanlab);
  await swanlab.finish();
  tmp.remove();
  report(result);
}

/**
 * `fn` compiled again on its own, so it gets its own type feedback and optimized code; its
 * free variables are taken from `scope` by name. `name` must differ between copies: V8 caches
 * compilations by source text, and copies of the same text share their feedback (and then run
 * ~20x slower here, each deoptimizing the others).
 */
function ownCopy<F>(fn: F, scope: Record<string, unknown>, name: string): F {
  // Consts, as in the closure it copies: V8 folds a const it captures into the optimized code.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('scope', `// ${name}\nconst { ${Object.keys(scope).join(', ')} } = scope;\nreturn (${String(fn)});`)(scope) as F;
}

/** Median over rounds of (a / b − 1), percent, with its 95 % CI. */
function ratio(a: readonly number[], b: readonly number[]): Interval {
  return medianCI(a.map((x, i) => (x / b[i]! - 1) * 100));
}

/** Median over rounds of a − b. */
function medianDifference(a: readonly number[], b: readonly number[]): number {
  return quantile(sorted(a.map((x, i) => x - b[i]!)), 0.5);
}

/** Median, CI and differences over interleaved (without, with) pairs of per-iteration times. */
function summarize(without: number[], withLog: number[]): Pick<TrainingResult, 'iterationNsWithout' | 'iterationNsWith' | 'overheadPct' | 'overheadPctLo' | 'overheadPctHi' | 'overheadNsPerIteration'> {
  const pct = ratio(withLog, without);
  return {
    iterationNsWithout: quantile(sorted(without), 0.5),
    iterationNsWith: quantile(sorted(withLog), 0.5),
    overheadPct: pct.median,
    overheadPctLo: pct.lo,
    overheadPctHi: pct.hi,
    overheadNsPerIteration: medianDifference(withLog, without),
  };
}

// --- tight: a hand-written MLP, a few microseconds an iteration ------------------------------

const TIGHT = { hidden: 16, batch: 8, points: 1024, lr: 0.05 };
const TIGHT_ITERS = QUICK ? 2_000 : 10_000;
/** Processes, one after another, each with its own swanlab run and its own compiled loops. */
const TIGHT_PROCESSES = QUICK ? 2 : 5;
/** Timed rounds per process. */
const TIGHT_PAIRS = QUICK ? 3 : 40;
const TIGHT_WARMUP_PAIRS = QUICK ? 2 : 10;

/** One process's tight-loop rounds: ns per iteration of each arm, round by round. */
interface TightRuns {
  model: string;
  without: number[];
  /** A second compiled copy of the loop without logging (the A/A arm). */
  withoutCopy: number[];
  withLog: number[];
  withFloor: number[];
  finalLoss: number;
  finalAcc: number;
}

/** The tight loop in TIGHT_PROCESSES processes, their rounds pooled. */
async function tightProcesses(): Promise<TrainingResult> {
  const all: TightRuns[] = [];
  for (let i = 0; i < TIGHT_PROCESSES; i++) all.push(await runScenario<TightRuns>('training', [TIGHT_PROCESS]));
  const pool = (arm: 'without' | 'withoutCopy' | 'withLog' | 'withFloor'): number[] => all.flatMap((r) => r[arm]);
  const [without, withoutCopy, withLog, withFloor] = [pool('without'), pool('withoutCopy'), pool('withLog'), pool('withFloor')];
  const last = all[all.length - 1]!;
  return {
    loop: 'tight',
    model: last.model,
    pairs: without.length,
    processes: all.length,
    perProcessPct: all.map((r) => ratio(r.withLog, r.without).median),
    iterationsPerRun: TIGHT_ITERS,
    ...summarize(without, withLog),
    inPlaceLogNs: -1,
    inPlaceLogMeanNs: -1,
    inPlacePct: -1,
    floor: { pct: ratio(withFloor, without), nsPerIteration: medianDifference(withFloor, without) },
    aa: ratio(withoutCopy, without),
    finalLoss: last.finalLoss,
    finalAcc: last.finalAcc,
  };
}

function tightLoop(swanlab: typeof Swanlab): TightRuns {
  const { hidden: H, batch: B, points: N, lr } = TIGHT;
  let seed = 7;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Two interleaved spirals (examples/train-mlp.ts's problem), labels alternating.
  const x = new Float64Array(N * 2);
  const y = new Uint8Array(N);
  for (let k = 0; k < N; k++) {
    const c = k & 1;
    const t = ((k >> 1) / (N / 2)) * 3 * Math.PI + 0.5;
    const r = t / (3 * Math.PI + 0.5);
    x[2 * k] = r * Math.cos(t + c * Math.PI) + (rand() - 0.5) * 0.04;
    x[2 * k + 1] = r * Math.sin(t + c * Math.PI) + (rand() - 0.5) * 0.04;
    y[k] = c;
  }
  const w1 = Float64Array.from({ length: H * 2 }, () => (rand() - 0.5) * 2);
  const b1 = new Float64Array(H);
  const w2 = Float64Array.from({ length: 2 * H }, () => rand() - 0.5);
  const b2 = new Float64Array(2);
  const gw1 = new Float64Array(H * 2);
  const gb1 = new Float64Array(H);
  const gw2 = new Float64Array(2 * H);
  const gb2 = new Float64Array(2);
  const h = new Float64Array(H);
  const rec: Metrics = { 'train/loss': 0, 'train/acc': 0, 'train/lr': lr, 'train/epoch': 0 };
  /** Training state shared by the arms' copies of train(). */
  const st = { pos: 0, epoch: 0, lastLoss: 0, lastAcc: 0 };
  /** How this copy of train() logs: each arm compiles its own copy with its own `log`. */
  const log: ((r: Metrics) => void) | undefined = undefined;

  // One SGD step on a minibatch of B points per iteration: forward, softmax cross-entropy,
  // backward, update; then the 4 metrics go to `log`, in the arms that have one.
  function train(iters: number): void {
    for (let it = 0; it < iters; it++) {
      gw1.fill(0);
      gb1.fill(0);
      gw2.fill(0);
      gb2.fill(0);
      let loss = 0;
      let correct = 0;
      for (let s = 0; s < B; s++) {
        const k = st.pos;
        st.pos = (k + 1) & (N - 1);
        if (st.pos === 0) st.epoch++;
        const x0 = x[2 * k]!;
        const x1 = x[2 * k + 1]!;
        let z0 = b2[0]!;
        let z1 = b2[1]!;
        for (let j = 0; j < H; j++) {
          const a = Math.tanh(w1[2 * j]! * x0 + w1[2 * j + 1]! * x1 + b1[j]!);
          h[j] = a;
          z0 += w2[j]! * a;
          z1 += w2[H + j]! * a;
        }
        const m = Math.max(z0, z1);
        const e0 = Math.exp(z0 - m);
        const e1 = Math.exp(z1 - m);
        const p1 = e1 / (e0 + e1);
        const label = y[k]!;
        loss -= Math.log(Math.max(label === 1 ? p1 : 1 - p1, 1e-12));
        if ((p1 >= 0.5 ? 1 : 0) === label) correct++;
        const d1 = (p1 - label) / B;
        const d0 = -d1;
        gb2[0]! += d0;
        gb2[1]! += d1;
        for (let j = 0; j < H; j++) {
          const a = h[j]!;
          gw2[j]! += d0 * a;
          gw2[H + j]! += d1 * a;
          const da = (d0 * w2[j]! + d1 * w2[H + j]!) * (1 - a * a);
          gb1[j]! += da;
          gw1[2 * j]! += da * x0;
          gw1[2 * j + 1]! += da * x1;
        }
      }
      for (let j = 0; j < H * 2; j++) {
        w1[j]! -= lr * gw1[j]!;
        w2[j]! -= lr * gw2[j]!;
      }
      for (let j = 0; j < H; j++) b1[j]! -= lr * gb1[j]!;
      b2[0]! -= lr * gb2[0]!;
      b2[1]! -= lr * gb2[1]!;
      st.lastLoss = loss / B;
      st.lastAcc = correct / B;
      if (log !== undefined) {
        rec['train/loss'] = st.lastLoss;
        rec['train/acc'] = st.lastAcc;
        rec['train/epoch'] = st.epoch;
        log(rec);
      }
    }
  }

  // Each arm runs its own compiled copy of train(), as a user's loop with and without the log
  // line are two functions: one copy with a switch between arms lets the arms' code shape
  // each other (a three-way switch made every iteration ~15 % slower and doubled the floor's
  // cost in it). Rounds of four runs, order rotating: no log, a second copy with no log (the
  // A/A arm: how far two copies of the same loop differ, the bench's own resolution),
  // swanlab.log, the floor.
  const scope = { x, y, w1, b1, w2, b2, gw1, gb1, gw2, gb2, h, B, N, H, lr, rec, st };
  const logs = [undefined, undefined, swanlab.log, compileFloor(Object.keys(rec), floorRing(16 << 20))];
  const arms = logs.map((l, i) => ownCopy(train, { ...scope, log: l }, `tight arm ${i}`));
  const runs: number[][] = arms.map(() => []);
  for (let p = 0; p < TIGHT_WARMUP_PAIRS + TIGHT_PAIRS; p++) {
    for (let j = 0; j < arms.length; j++) {
      const arm = (p + j) % arms.length;
      const t0 = process.hrtime.bigint();
      arms[arm]!(TIGHT_ITERS);
      const ns = Number(process.hrtime.bigint() - t0) / TIGHT_ITERS;
      if (p >= TIGHT_WARMUP_PAIRS) runs[arm]!.push(ns);
    }
  }
  const [without, withoutCopy, withLog, withFloor] = runs as [number[], number[], number[], number[]];
  /** Mean loss and accuracy of the trained model over all the points (one batch says little). */
  const evaluate = (): { finalLoss: number; finalAcc: number } => {
    let loss = 0;
    let correct = 0;
    for (let k = 0; k < N; k++) {
      let z0 = b2[0]!;
      let z1 = b2[1]!;
      for (let j = 0; j < H; j++) {
        const a = Math.tanh(w1[2 * j]! * x[2 * k]! + w1[2 * j + 1]! * x[2 * k + 1]! + b1[j]!);
        z0 += w2[j]! * a;
        z1 += w2[H + j]! * a;
      }
      const p1 = 1 / (1 + Math.exp(z0 - z1));
      loss -= Math.log(Math.max(y[k] === 1 ? p1 : 1 - p1, 1e-12));
      if ((p1 >= 0.5 ? 1 : 0) === y[k]) correct++;
    }
    return { finalLoss: loss / N, finalAcc: correct / N };
  };
  return {
    model: `hand-written MLP 2→${H}→2 (tanh, softmax), SGD on minibatches of ${B} (two spirals, ${N} points)`,
    without,
    withoutCopy,
    withLog,
    withFloor,
    ...evaluate(),
  };
}

// --- tfjs: model.fit with a callback that logs every batch -----------------------------------

const TFJS = { samples: 2048, features: 16, hidden: 32, batchSize: 64, epochsPerRun: 2 };
/** Rounds of four runs (no callback, the hand-written callback without and with log(), swanlab.tfjsCallback). */
const TFJS_PAIRS = QUICK ? 3 : 100;
const TFJS_WARMUP_PAIRS = QUICK ? 1 : 5;
const TFJS_IN_PLACE_FITS = QUICK ? 2 : 10;
const TFJS_ARMS = 4;

async function tfjsLoop(swanlab: typeof Swanlab): Promise<TrainingResult> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const { samples: N, features: D, hidden, batchSize, epochsPerRun } = TFJS;
  // Synthetic data: labels from a random linear teacher, so the model has something to learn.
  const xs = tf.randomNormal([N, D], 0, 1, 'float32', 1);
  const teacher = tf.randomNormal([D, 1], 0, 1, 'float32', 2);
  const ys = tf.tidy(() => tf.cast(tf.greater(tf.matMul(xs, teacher), 0), 'float32'));
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [D] }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  const lr = 0.1;
  model.compile({ optimizer: tf.train.sgd(lr), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const batches = Math.ceil(N / batchSize) * epochsPerRun;

  // In place: every callback's per-batch work, timed around tf.CallbackList's onBatchEnd (which
  // awaits each callback in turn), in every run; a measuring device, patched here only.
  let arm = 0;
  const spans: number[][] = Array.from({ length: TFJS_ARMS }, () => []);
  const list = tf.CallbackList.prototype;
  const listOnBatchEnd = list.onBatchEnd;
  list.onBatchEnd = async function timedOnBatchEnd(this: typeof list, batch: number, logs?: Parameters<typeof listOnBatchEnd>[1]): Promise<void> {
    const t0 = performance.now();
    await listOnBatchEnd.call(this, batch, logs);
    spans[arm]!.push((performance.now() - t0) * 1000);
  };

  const rec: Metrics = { 'train/loss': 0, 'train/acc': 0, 'train/lr': lr, 'train/epoch': 0 };
  let epoch = 0;
  /** 0: the callback does not log; 1: it logs; 2: it logs or writes the floor, timed in place. */
  let mode = 1;
  const floorWrite = compileFloor(Object.keys(rec), floorRing(16 << 20));
  let batchNo = 0;
  const inPlace: number[] = [];
  const inPlaceTimer: number[] = [];
  const inPlaceFloor: number[] = [];
  const inPlaceFloorTimer: number[] = [];
  const handWritten = {
    onEpochBegin: async (e: number): Promise<void> => {
      epoch = e;
    },
    onBatchEnd: async (_batch: number, logs?: Record<string, number>): Promise<void> => {
      rec['train/loss'] = logs?.loss ?? NaN;
      rec['train/acc'] = logs?.acc ?? NaN;
      rec['train/epoch'] = epoch;
      if (mode === 0) return;
      if (mode === 1) {
        swanlab.log(rec);
        return;
      }
      // Alternate batches: log(), then the floor, each after its own empty timer pair.
      const floorTurn = (batchNo++ & 1) === 1;
      const c0 = process.hrtime.bigint();
      (floorTurn ? inPlaceFloorTimer : inPlaceTimer).push(Number(process.hrtime.bigint() - c0));
      const t0 = process.hrtime.bigint();
      if (floorTurn) floorWrite(rec);
      else swanlab.log(rec);
      (floorTurn ? inPlaceFloor : inPlace).push(Number(process.hrtime.bigint() - t0));
    },
  };
  // batch/loss, batch/acc, batch/batch_step and batch/learning_rate: 4 metrics a batch too.
  const integration = swanlab.tfjsCallback(tf, { logFreq: 'batch' });
  let finalLoss = NaN;
  let finalAcc = NaN;
  const fit = async (callbacks: Tfjs.CustomCallbackArgs | Tfjs.Callback | undefined): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const h = await model.fit(xs, ys, { batchSize, epochs: epochsPerRun, shuffle: false, verbose: 0, ...(callbacks ? { callbacks } : {}) });
    const ns = Number(process.hrtime.bigint() - t0) / batches;
    finalLoss = Number(h.history.loss?.at(-1));
    finalAcc = Number(h.history.acc?.at(-1));
    return ns;
  };

  // Rounds of four runs, order rotating: no callback, the hand-written callback without log()
  // and with it, swanlab.tfjsCallback.
  const runs: number[][] = Array.from({ length: TFJS_ARMS }, () => []);
  for (let r = 0; r < TFJS_WARMUP_PAIRS + TFJS_PAIRS; r++) {
    if (r === TFJS_WARMUP_PAIRS) for (const s of spans) s.length = 0;
    for (let j = 0; j < TFJS_ARMS; j++) {
      arm = (r + j) % TFJS_ARMS;
      mode = arm === 2 ? 1 : 0;
      const ns = await fit(arm === 0 ? undefined : arm === 3 ? integration : handWritten);
      if (r >= TFJS_WARMUP_PAIRS) runs[arm]!.push(ns);
    }
  }
  list.onBatchEnd = listOnBatchEnd;
  const [without, callbackOnly, withLog, withIntegration] = runs as [number[], number[], number[], number[]];
  const [spanNone, spanCallback, spanCallbackLog, spanIntegration] = spans.map((s) => quantile(sorted(s), 0.5)) as [number, number, number, number];

  // log() in place: more hand-written fits, with an empty hrtime pair and then hrtime around log().
  mode = 2;
  for (let i = 0; i < TFJS_IN_PLACE_FITS; i++) await fit(handWritten);
  const timerNs = quantile(sorted(inPlaceTimer), 0.5);
  const inPlaceLogNs = Math.max(0, quantile(sorted(inPlace), 0.5) - timerNs);
  const inPlaceFloorNs = Math.max(0, quantile(sorted(inPlaceFloor), 0.5) - quantile(sorted(inPlaceFloorTimer), 0.5));
  const inPlaceLogMeanNs = Math.max(0, mean(inPlace) - mean(inPlaceTimer));
  const summary = summarize(without, withIntegration);
  xs.dispose();
  ys.dispose();
  teacher.dispose();
  return {
    loop: 'tfjs',
    model: `@tensorflow/tfjs ${tf.version.tfjs} (${tf.getBackend()} backend) Dense ${D}→${hidden} relu→1 sigmoid, SGD, batches of ${batchSize} (${N} synthetic samples), logging through swanlab.tfjsCallback(tf, { logFreq: 'batch' })`,
    pairs: TFJS_PAIRS,
    processes: 1,
    perProcessPct: [summary.overheadPct],
    iterationsPerRun: batches,
    ...summary,
    handWritten: ratio(withLog, without),
    callbackOnly: ratio(callbackOnly, without),
    logOnly: ratio(withLog, callbackOnly),
    callbackSpanUs: { none: spanNone, callback: spanCallback, callbackLog: spanCallbackLog, tfjsCallback: spanIntegration },
    inPlaceLogNs,
    inPlaceLogMeanNs,
    inPlacePct: (inPlaceLogNs / summary.iterationNsWith) * 100,
    floor: { inPlaceNs: inPlaceFloorNs, inPlacePct: (inPlaceFloorNs / summary.iterationNsWith) * 100 },
    finalLoss,
    finalAcc,
  };
}

runMain(main);
