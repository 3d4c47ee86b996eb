// swanlab.tfjsCallback(tf): model.fit() logs its metrics like SwanLab's Keras callback, through
// the caller's own tfjs (pure JS, CPU backend), and still yields to the event loop.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as swanlab from 'swanlab-node';
import { points, tempDir, type Point } from './helpers.js';

const BATCHES_PER_EPOCH = 4;
const LR = 0.1;

/** A small dense model and 32 samples: 4 batches of 8 an epoch. */
function setup(): { model: tf.Sequential; xs: tf.Tensor; ys: tf.Tensor } {
  const xs = tf.randomNormal([32, 4], 0, 1, 'float32', 3);
  const ys = tf.tidy(() => tf.cast(tf.greater(tf.sum(xs, 1, true), 0), 'float32'));
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.sgd(LR), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return { model, xs, ys };
}

/** Records each batch's loss as tfjs hands it to a tf.Callback, to compare with what was logged. */
class LossRecorder extends tf.Callback {
  readonly losses: number[] = [];
  override async onBatchEnd(_batch: number, logs?: tf.Logs): Promise<void> {
    const v = logs?.loss as unknown as number | tf.Scalar;
    this.losses.push(typeof v === 'number' ? v : v.dataSync()[0]!);
  }
}

const of = (ps: Point[], key: string): Point[] => ps.filter((p) => p.key === key);
const steps = (ps: Point[], key: string): number[] => of(ps, key).map((p) => p.step);
const values = (ps: Point[], key: string): number[] => of(ps, key).map((p) => p.value);

test.before(async () => {
  await tf.setBackend('cpu');
});

test("logFreq 'batch': batch/<metric> at the global batch, epoch/<metric> at the epoch, as SwanLab's Keras callback", async () => {
  const logdir = tempDir();
  const run = swanlab.init({ logdir, mode: 'offline' });
  const { model, xs, ys } = setup();
  const recorder = new LossRecorder();
  const history = await model.fit(xs, ys, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, callbacks: [swanlab.tfjsCallback(tf, { logFreq: 'batch' }), recorder] });
  assert.equal(run.config.get('FRAMEWORK'), 'tfjs');
  await swanlab.finish();
  const ps = points(run.dir);
  const n = 2 * BATCHES_PER_EPOCH;
  assert.deepEqual(steps(ps, 'batch/loss'), Array.from({ length: n }, (_, i) => i + 1));
  // Float32 tensors read as float64: the very values tfjs handed to its callbacks.
  assert.deepEqual(values(ps, 'batch/loss'), recorder.losses);
  assert.equal(of(ps, 'batch/acc').length, n);
  assert.deepEqual(values(ps, 'batch/batch_step'), Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(values(ps, 'batch/learning_rate'), Array(n).fill(LR));
  assert.ok(!ps.some((p) => p.key === 'batch/batch' || p.key === 'batch/size'), 'batch and size describe the batch, not a metric');
  assert.deepEqual(steps(ps, 'epoch/loss'), [0, 1]);
  assert.deepEqual(values(ps, 'epoch/loss'), history.history.loss!.map((v) => Number(v)));
  assert.deepEqual(values(ps, 'epoch/acc'), history.history.acc!.map((v) => Number(v)));
  assert.deepEqual(values(ps, 'epoch/epoch'), [0, 1]);
  assert.deepEqual(values(ps, 'epoch/learning_rate'), [LR, LR]);
});

test("the default logs each epoch only; logFreq 3 logs batches 0 and 3 of each epoch; a second fit() goes on counting", async () => {
  const logdir = tempDir();
  const run = swanlab.init({ logdir, mode: 'offline' });
  const { model, xs, ys } = setup();
  const fitWith = (callbacks: object): Promise<tf.History> => model.fit(xs, ys, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, callbacks: callbacks as tf.CustomCallbackArgs });
  await fitWith(swanlab.tfjsCallback(tf));
  const every3 = swanlab.tfjsCallback(tf, { logFreq: 3 });
  await fitWith(every3);
  await fitWith(every3);
  await swanlab.finish();
  const ps = points(run.dir);
  // First run (default): epochs 0 and 1. The logFreq-3 callback, two fits: its epochs 0, 1, 0, 1
  // land at steps 0…3, whose first two the first callback already took: those two are kept once.
  assert.deepEqual(steps(ps, 'epoch/epoch'), [0, 1, 2, 3]);
  assert.deepEqual(values(ps, 'epoch/epoch'), [0, 1, 0, 1]);
  // Batches 0 and 3 of each epoch, at the global batch (from 1), over both fits.
  assert.deepEqual(steps(ps, 'batch/loss'), [1, 4, 5, 8, 9, 12, 13, 16]);
  assert.deepEqual(values(ps, 'batch/batch_step'), [0, 3, 6, 9, 12, 15, 18, 21]);
});

test('one callback over fits whose metrics differ: each batch logs exactly the metrics it had', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const { model, xs, ys } = setup();
  const cb = swanlab.tfjsCallback(tf, { logFreq: 'batch' });
  await model.fit(xs, ys, { batchSize: 8, epochs: 1, shuffle: false, verbose: 0, callbacks: cb });
  model.compile({ optimizer: tf.train.sgd(LR), loss: 'binaryCrossentropy' });
  const recorder = new LossRecorder();
  await model.fit(xs, ys, { batchSize: 8, epochs: 1, shuffle: false, verbose: 0, callbacks: [cb, recorder] });
  await swanlab.finish();
  const ps = points(run.dir);
  assert.deepEqual(steps(ps, 'batch/loss'), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(values(ps, 'batch/loss').slice(4), recorder.losses);
  assert.deepEqual(steps(ps, 'batch/acc'), [1, 2, 3, 4], 'no accuracy once the model no longer computes it');
  assert.deepEqual(steps(ps, 'batch/batch_step'), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('batch logs whose metrics change from one batch to the next: each batch logs exactly its own, the learning rate too', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const cb = swanlab.tfjsCallback(tf, { logFreq: 'batch', yieldEveryMs: Infinity });
  // What the callback reads of the model: its optimizer's learning rate.
  const setModel = (m: unknown): void => void Object.assign(cb, { model: m });
  // The callback refills one record while the metrics stay the same: every kind of change here.
  const batches: [Record<string, unknown>, number | undefined][] = [
    [{ batch: 0, size: 8, loss: 1, acc: 0.5 }, undefined],
    [{ batch: 1, size: 8, loss: 2, acc: 0.6 }, 0.1], // the learning rate appears
    [{ batch: 2, size: 8, acc: 0.7, loss: 3 }, 0.1], // another order
    [{ batch: 3, size: 8, loss: 4, note: 'text' }, 0.1], // acc gone; a value that is not a number
    [{ batch: 4, size: 8, loss: 5, note: 'text' }, undefined], // the learning rate gone
    [{ batch: 5, size: 8, loss: 6, note: 'text' }, undefined],
    [{ batch: 6, size: 8, loss: 7, note: 8 }, undefined], // the left-out key becomes a number
  ];
  for (const [i, [logs, lr]] of batches.entries()) {
    setModel(lr === undefined ? undefined : { optimizer: { learningRate: lr } });
    await cb.onBatchEnd(i, logs as tf.Logs);
  }
  await swanlab.finish();
  const ps = points(run.dir);
  assert.deepEqual(steps(ps, 'batch/loss'), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(values(ps, 'batch/loss'), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(steps(ps, 'batch/acc'), [1, 2, 3]);
  assert.deepEqual(values(ps, 'batch/acc'), [0.5, 0.6, 0.7]);
  assert.deepEqual(steps(ps, 'batch/learning_rate'), [2, 3, 4]);
  assert.deepEqual(values(ps, 'batch/batch_step'), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(steps(ps, 'batch/note'), [7]);
});

test('validation metrics arrive with the epoch: epoch/val_loss and epoch/val_acc', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const { model, xs, ys } = setup();
  const history = await model.fit(xs, ys, { batchSize: 8, epochs: 2, validationSplit: 0.25, verbose: 0, callbacks: swanlab.tfjsCallback(tf) });
  await swanlab.finish();
  const ps = points(run.dir);
  assert.deepEqual(steps(ps, 'epoch/val_loss'), [0, 1]);
  assert.deepEqual(values(ps, 'epoch/val_loss'), history.history.val_loss!.map((v) => Number(v)));
  assert.deepEqual(values(ps, 'epoch/val_acc'), history.history.val_acc!.map((v) => Number(v)));
  assert.equal(of(ps, 'batch/loss').length, 0, "logFreq 'epoch' logs no batch");
});

test('with no run alive, training starts one with the init options given', async () => {
  assert.equal(swanlab.getRun(), undefined);
  const logdir = tempDir();
  const { model, xs, ys } = setup();
  await model.fit(xs, ys, { batchSize: 8, epochs: 1, verbose: 0, callbacks: swanlab.tfjsCallback(tf, { init: { logdir, mode: 'offline', project: 'tfjs-auto' } }) });
  const run = swanlab.getRun();
  assert.ok(run, 'a run was started');
  assert.equal(path.dirname(run.dir), logdir);
  await swanlab.finish();
  assert.deepEqual(steps(points(run.dir), 'epoch/loss'), [0]);
});

test('fit() yields to the event loop every yieldEveryMs (tfjs drops its own yielding callback for a tf.Callback)', async () => {
  const firedAt = async (yieldEveryMs: number): Promise<number> => {
    swanlab.init({ logdir: tempDir(), mode: 'offline' });
    const { model, xs, ys } = setup();
    let batches = 0;
    const counter = new (class extends tf.Callback {
      override async onBatchEnd(): Promise<void> {
        batches++;
      }
    })();
    let at = -1;
    setTimeout(() => (at = batches), 0);
    await model.fit(xs, ys, { batchSize: 8, epochs: 3, verbose: 0, callbacks: [swanlab.tfjsCallback(tf, { logFreq: 'batch', yieldEveryMs }), counter] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await swanlab.finish();
    return at;
  };
  const total = 3 * BATCHES_PER_EPOCH;
  // Never yielding, a timer waits for the whole fit(): what the yield is there to prevent.
  assert.equal(await firedAt(Infinity), total);
  const at = await firedAt(0);
  assert.ok(at >= 0 && at < total, `a timer ran during fit() (after batch ${at} of ${total})`);
});

test('with yieldEveryMs > 0, fit() yields again and again, never sooner than that apart', async () => {
  // The clock is read every few ms of batches, not every batch: the yields must still come
  // at least yieldEveryMs apart, and keep coming. Batches of >= 2 ms, 80 of them.
  // A 1 ms timer can run only while fit() has yielded. Swanlab reads its clock between the
  // callback placed before it and the yield, so each yield's clock read lies after the time
  // that callback took and before the first tick of the yield; from one yield's lower bound
  // to the next one's upper bound is at least yieldEveryMs, however late a loaded machine
  // runs any of them (a gap between lower bounds is not: CI saw 24.7 ms against 30).
  swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const { model, xs, ys } = setup();
  let ticks = 0;
  let ticksSeen = 0;
  let firstTickAt = -1;
  let beforeSwanlab = 0;
  const yields: { notBefore: number; notAfter: number }[] = [];
  const before = new (class extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      beforeSwanlab = performance.now();
    }
  })();
  const slow = new (class extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      if (ticks !== ticksSeen) {
        ticksSeen = ticks;
        yields.push({ notBefore: beforeSwanlab, notAfter: firstTickAt });
        firstTickAt = -1;
      }
      const until = performance.now() + 2;
      while (performance.now() < until);
    }
  })();
  const timer = setInterval(() => {
    ticks++;
    if (firstTickAt < 0) firstTickAt = performance.now();
  }, 1);
  await model.fit(xs, ys, { batchSize: 8, epochs: 20, verbose: 0, callbacks: [before, swanlab.tfjsCallback(tf, { logFreq: 'batch', yieldEveryMs: 30 }), slow] });
  clearInterval(timer);
  await swanlab.finish();
  assert.ok(yields.length >= 2, `yielded ${yields.length} times in a fit of 80 batches of >= 2 ms`);
  const apart = yields.slice(1).map((y, i) => y.notAfter - yields[i]!.notBefore);
  assert.ok(Math.min(...apart) >= 30, `yields at most ${apart.map((g) => g.toFixed(1)).join(', ')} ms apart`);
});

test('tfjs wraps it as a { onBatchEnd } config when the callbacks array starts with one: it still logs every batch', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const { model, xs, ys } = setup();
  let seen = 0;
  const plain = { onBatchEnd: async (): Promise<void> => void seen++ };
  await model.fit(xs, ys, { batchSize: 8, epochs: 1, verbose: 0, callbacks: [plain, swanlab.tfjsCallback(tf, { logFreq: 'batch' })] as tf.CustomCallbackArgs[] });
  await swanlab.finish();
  assert.equal(seen, BATCHES_PER_EPOCH);
  const ps = points(run.dir);
  assert.deepEqual(steps(ps, 'batch/loss'), [1, 2, 3, 4]);
  assert.deepEqual(steps(ps, 'epoch/loss'), [0]);
});

test('bad arguments name what is wrong', () => {
  assert.throws(() => swanlab.tfjsCallback({} as typeof tf), /tfjsCallback\(tf\): expected the @tensorflow\/tfjs module/);
  assert.throws(() => swanlab.tfjsCallback(tf, { logFreq: 0 }), /logFreq must be 'epoch', 'batch' or a positive integer, got 0/);
  assert.throws(() => swanlab.tfjsCallback(tf, { logFreq: 'step' as 'batch' }), /logFreq .* got "step"/);
  assert.throws(() => swanlab.tfjsCallback(tf, { yieldEveryMs: -1 }), /yieldEveryMs must be a number >= 0 \(ms\), got -1/);
});
