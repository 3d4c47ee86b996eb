/**
 * A real training loop logged with swanlab-node: a 2-layer MLP (2 → hidden tanh → 2 softmax)
 * learns the two-spirals problem, with hand-written forward and backward passes over
 * Float64Arrays and SGD with momentum. No dependencies besides swanlab-node.
 *
 *   npm run example                                  (builds, then runs this file)
 *   node --import tsx examples/train-mlp.ts [iterations]
 *
 * Every iteration logs the minibatch's `train/loss` and `train/acc` (implicit steps 0, 1, 2 …);
 * every `evalEvery` iterations and at the last one it logs `val/loss` and `val/acc` on held-out
 * points, with the iteration as explicit step. The hyper-parameters go to `swanlab.config`.
 * The run folder (under ./swanlog) can be read back with `readRun(run.dir)` or synced later.
 */
import * as swanlab from 'swanlab-node';

/** Hyper-parameters and where to log; every field has a default. */
export interface TrainOptions {
  /** SGD steps (minibatches). Default 3000. */
  iterations?: number;
  /** Hidden units. Default 32. */
  hidden?: number;
  /** Learning rate. Default 0.1. */
  lr?: number;
  /** Momentum. Default 0.9. */
  momentum?: number;
  /** Minibatch size. Default 32. */
  batchSize?: number;
  /** Validate every this many iterations (and at the last). Default 100. */
  evalEvery?: number;
  /** Points per spiral arm. Default 500; a fifth of them is held out for validation. */
  pointsPerClass?: number;
  /** PRNG seed for data, initial weights and minibatch order. Default 7. */
  seed?: number;
  /** Folder of run folders. Default `./swanlog`. */
  logdir?: string;
  /** Print progress lines. Default true. */
  verbose?: boolean;
}

/** What {@link train} returns once the run is finished (written and fsynced). */
export interface TrainResult {
  /** The run folder. */
  runDir: string;
  iterations: number;
  /** Steps at which val/loss and val/acc were logged. */
  evalSteps: number[];
  finalTrainLoss: number;
  finalValLoss: number;
  finalValAcc: number;
  /** Accuracy of always guessing one class: 0.5 here (balanced classes). */
  chance: number;
  seconds: number;
}

/** mulberry32: a small deterministic PRNG, so runs are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two interleaved spirals of 1.5 turns, with a little noise; inputs in about [-1, 1]. */
function twoSpirals(perClass: number, rand: () => number): { x: Float64Array; y: Uint8Array } {
  const n = perClass * 2;
  const x = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < perClass; i++) {
      const k = c * perClass + i;
      const t = (i / perClass) * 3 * Math.PI + 0.5;
      const r = t / (3 * Math.PI + 0.5);
      const angle = t + c * Math.PI;
      x[2 * k] = r * Math.cos(angle) + (rand() - 0.5) * 0.04;
      x[2 * k + 1] = r * Math.sin(angle) + (rand() - 0.5) * 0.04;
      y[k] = c;
    }
  }
  return { x, y };
}

/** Parameters of 2 → H → 2, and buffers for one forward/backward pass. */
class Mlp {
  readonly w1: Float64Array; // H × 2
  readonly b1: Float64Array; // H
  readonly w2: Float64Array; // 2 × H
  readonly b2: Float64Array; // 2
  readonly grads: Float64Array[];
  readonly velocity: Float64Array[];
  readonly #h: Float64Array;
  readonly #dh: Float64Array;

  constructor(
    readonly hidden: number,
    rand: () => number,
  ) {
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    this.w1 = Float64Array.from({ length: hidden * 2 }, () => gauss() * Math.sqrt(1 / 2) * 2);
    this.b1 = Float64Array.from({ length: hidden }, () => (rand() - 0.5) * 2);
    this.w2 = Float64Array.from({ length: 2 * hidden }, () => gauss() * Math.sqrt(1 / hidden));
    this.b2 = new Float64Array(2);
    const params = [this.w1, this.b1, this.w2, this.b2];
    this.grads = params.map((p) => new Float64Array(p.length));
    this.velocity = params.map((p) => new Float64Array(p.length));
    this.#h = new Float64Array(hidden);
    this.#dh = new Float64Array(hidden);
  }

  get parameterCount(): number {
    return this.w1.length + this.b1.length + this.w2.length + this.b2.length;
  }

  /**
   * Forward (and, with `backward`, accumulate gradients of the mean cross-entropy) over the
   * samples `idx[from..to)`. Returns the summed loss and the number classified right.
   */
  pass(x: Float64Array, y: Uint8Array, idx: Uint32Array, from: number, to: number, backward: boolean): { loss: number; correct: number } {
    const { hidden: H, w1, b1, w2, b2 } = this;
    const h = this.#h;
    const dh = this.#dh;
    const [gw1, gb1, gw2, gb2] = this.grads as [Float64Array, Float64Array, Float64Array, Float64Array];
    const scale = 1 / (to - from);
    let loss = 0;
    let correct = 0;
    for (let s = from; s < to; s++) {
      const k = idx[s]!;
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
      // Softmax over two logits, computed stably.
      const m = Math.max(z0, z1);
      const e0 = Math.exp(z0 - m);
      const e1 = Math.exp(z1 - m);
      const p1 = e1 / (e0 + e1);
      const label = y[k]!;
      loss += -Math.log(Math.max(label === 1 ? p1 : 1 - p1, 1e-12));
      if ((p1 >= 0.5 ? 1 : 0) === label) correct++;
      if (!backward) continue;
      // dLoss/dz = p - onehot, averaged over the batch.
      const d1 = (p1 - label) * scale;
      const d0 = -d1;
      gb2[0] = gb2[0]! + d0;
      gb2[1] = gb2[1]! + d1;
      for (let j = 0; j < H; j++) {
        gw2[j] = gw2[j]! + d0 * h[j]!;
        gw2[H + j] = gw2[H + j]! + d1 * h[j]!;
        dh[j] = (d0 * w2[j]! + d1 * w2[H + j]!) * (1 - h[j]! * h[j]!);
        gw1[2 * j] = gw1[2 * j]! + dh[j]! * x0;
        gw1[2 * j + 1] = gw1[2 * j + 1]! + dh[j]! * x1;
        gb1[j] = gb1[j]! + dh[j]!;
      }
    }
    return { loss, correct };
  }

  /** One SGD-with-momentum update from the accumulated gradients, which it then clears. */
  step(lr: number, momentum: number): void {
    const params = [this.w1, this.b1, this.w2, this.b2];
    for (let p = 0; p < params.length; p++) {
      const w = params[p]!;
      const g = this.grads[p]!;
      const v = this.velocity[p]!;
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        w[i] = w[i]! + v[i]!;
        g[i] = 0;
      }
    }
  }
}

/** Train the MLP on two spirals, logging to a new swanlab run; resolves once the run is finished. */
export async function train(options: TrainOptions = {}): Promise<TrainResult> {
  const iterations = options.iterations ?? 3000;
  const hidden = options.hidden ?? 32;
  const lr = options.lr ?? 0.1;
  const momentum = options.momentum ?? 0.9;
  const batchSize = options.batchSize ?? 32;
  const evalEvery = options.evalEvery ?? 100;
  const pointsPerClass = options.pointsPerClass ?? 500;
  const seed = options.seed ?? 7;
  const verbose = options.verbose ?? true;
  const started = performance.now();

  const rand = prng(seed);
  const { x, y } = twoSpirals(pointsPerClass, rand);
  // Shuffle, then hold out a fifth for validation.
  const order = Uint32Array.from({ length: y.length }, (_, i) => i);
  const shuffle = (a: Uint32Array, from: number, to: number): void => {
    for (let i = to - 1; i > from; i--) {
      const j = from + Math.floor(rand() * (i - from + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  };
  shuffle(order, 0, order.length);
  const nVal = Math.floor(order.length / 5);
  const val = order.subarray(0, nVal);
  const trainIdx = order.subarray(nVal);
  const model = new Mlp(hidden, rand);

  const run = swanlab.init({
    project: 'swanlab-node-examples',
    experimentName: `mlp-two-spirals-h${hidden}`,
    description: 'examples/train-mlp.ts: 2-layer MLP on two spirals, hand-written backprop, SGD with momentum',
    tags: ['example', 'mlp', 'two-spirals'],
    config: { model: '2-layer MLP', dataset: 'two-spirals', iterations, hidden, lr, momentum, batchSize, evalEvery, pointsPerClass, seed },
    ...(options.logdir !== undefined ? { logdir: options.logdir } : {}),
  });
  swanlab.config.update({ parameters: model.parameterCount, trainPoints: trainIdx.length, valPoints: val.length });

  const evalSteps: number[] = [];
  let finalTrainLoss = NaN;
  let finalValLoss = NaN;
  let finalValAcc = NaN;
  let cursor = trainIdx.length;
  for (let it = 0; it < iterations; it++) {
    if (cursor + batchSize > trainIdx.length) {
      shuffle(trainIdx, 0, trainIdx.length);
      cursor = 0;
    }
    const { loss, correct } = model.pass(x, y, trainIdx, cursor, cursor + batchSize, true);
    cursor += batchSize;
    model.step(lr, momentum);
    finalTrainLoss = loss / batchSize;
    swanlab.log({ 'train/loss': finalTrainLoss, 'train/acc': correct / batchSize });

    if (it % evalEvery === 0 || it === iterations - 1) {
      const v = model.pass(x, y, val, 0, val.length, false);
      finalValLoss = v.loss / val.length;
      finalValAcc = v.correct / val.length;
      swanlab.log({ 'val/loss': finalValLoss, 'val/acc': finalValAcc }, it);
      evalSteps.push(it);
      if (verbose) console.log(`iter ${String(it).padStart(5)}  train/loss ${finalTrainLoss.toFixed(4)}  val/loss ${finalValLoss.toFixed(4)}  val/acc ${finalValAcc.toFixed(3)}`);
    }
  }
  await swanlab.finish();
  return { runDir: run.dir, iterations, evalSteps, finalTrainLoss, finalValLoss, finalValAcc, chance: 0.5, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  const iterations = arg === undefined ? undefined : Number(arg);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations > 0)) {
    throw new Error(`usage: node --import tsx examples/train-mlp.ts [iterations], got ${arg}`);
  }
  const r = await train(iterations === undefined ? {} : { iterations });
  console.log(`\nrun folder: ${r.runDir}`);
  console.log(
    `${r.iterations} iterations in ${r.seconds.toFixed(2)} s: final val/acc ${(r.finalValAcc * 100).toFixed(1)} % (chance ${r.chance * 100} %), ` +
      `val/loss ${r.finalValLoss.toFixed(4)}, train/loss ${r.finalTrainLoss.toFixed(4)}`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
