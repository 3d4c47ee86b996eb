/**
 * TensorFlow.js integration: a `tf.Callback` for `model.fit()` that logs its metrics, the way
 * SwanLab's Keras callback does (`batch/<metric>` by global batch, `epoch/<metric>` by epoch).
 *
 * It subclasses the caller's own `tf.Callback` rather than being a `{ onBatchEnd }` object:
 * tfjs wraps such an object in a CustomCallback that, every batch, reads each loss tensor
 * through an awaited `data()` and awaits the callback, ~13 µs a batch before log() runs
 * (bench "tfjs callback span"); a subclass reads the scalars with `dataSync()`. tfjs then
 * has no CustomCallback of its own either, so this one yields to the event loop every
 * `yieldEveryMs`, as tfjs's default does, so timers, signals and swanlab's own messages are
 * served during a long fit().
 *
 * swanlab-node does not depend on tfjs: the caller passes its `tf` module, whose `Callback`
 * the returned object extends, so it is the caller's tfjs that accepts it.
 */
import * as api from '../api.js';
import type { InitOptions } from '../options.js';

/** Options of {@link tfjsCallback}. */
export interface TfjsCallbackOptions {
  /**
   * When to log: `'epoch'` (the default, as SwanLab's Keras callback) logs the epoch's
   * metrics at each epoch's end; `'batch'` also logs every batch's; a number `n` also logs
   * every n-th batch of an epoch.
   */
  logFreq?: 'epoch' | 'batch' | number;
  /**
   * Yield to the event loop at most this often during fit(), in ms (tfjs's own default
   * for callbacks, 125). The clock is read once per ~4 ms of batches (at most every 16
   * batches), so a yield comes up to that much after it is due. `0` yields after every
   * batch, `Infinity` never.
   */
  yieldEveryMs?: number;
  /** Options for `swanlab.init()` when no run is alive as training begins. Default: none (a run with default options). */
  init?: InitOptions;
}

/** What the callback reads of a `tf.Callback`: tfjs sets `model` before training. */
interface CallbackBase {
  model?: { optimizer?: { learningRate?: unknown } } | null;
}

/** A metric value as tfjs passes it: a number, or a scalar tensor before it is resolved. */
type LogValue = number | { dataSync(): ArrayLike<number> } | undefined;
type Logs = Record<string, LogValue>;

/**
 * True for the keys of batch logs that describe the batch, not a metric. Two compares: a Set
 * lookup cost ~15 ns a batch more (hot).
 */
function isBatchInfo(key: string): boolean {
  return key === 'batch' || key === 'size';
}

/**
 * How much training time, at most, passes between two reads of the clock for the yield: the
 * callback reads it once per this many ms of batches (at most every YIELD_CHECK_MAX_BATCHES
 * batches), not once a batch. performance.now() was ~40 of the callback's ~250 ns a batch (hot,
 * dataSync and log() included), and the tfjs goal is 1.2 µs a batch (README, tfjs row).
 */
const YIELD_CHECK_MS = 4;
const YIELD_CHECK_MAX_BATCHES = 16;

/** The subclass of each tfjs module's Callback, made once per module. */
const subclasses = new WeakMap<object, new (options: Resolved) => CallbackBase>();

interface Resolved {
  every: number;
  yieldEveryMs: number;
  init: InitOptions | undefined;
}

/**
 * A callback for `model.fit(x, y, { callbacks: swanlab.tfjsCallback(tf) })` that logs the
 * training metrics to the current run (starting one if none is alive).
 *
 * - each logged batch: `batch/<metric>` (`batch/loss`, `batch/acc`, …), `batch/batch_step`
 *   and `batch/learning_rate` (when the optimizer has a numeric `learningRate`), at
 *   step = the number of batches trained so far by this callback, counting from 1;
 * - each epoch's end: `epoch/<metric>` (`epoch/loss`, `epoch/val_loss`, …), `epoch/epoch`
 *   and `epoch/learning_rate`, at step = the epoch, or the step after this callback's last
 *   one when a later fit() counts epochs from 0 again (a key logged twice at one step keeps
 *   its first value);
 * - the run's config gets `FRAMEWORK: "tfjs"`.
 *
 * @param tf the `@tensorflow/tfjs` (or `-node`) module: its `Callback` is the base class.
 * @throws TypeError when `tf.Callback` is not a class, or an option is invalid.
 */
export function tfjsCallback<C extends abstract new () => object>(tf: { Callback: C }, options: TfjsCallbackOptions = {}): InstanceType<C> {
  const Base = tf?.Callback as unknown;
  if (typeof Base !== 'function') throw new TypeError('tfjsCallback(tf): expected the @tensorflow/tfjs module, whose Callback class the callback extends');
  let Subclass = subclasses.get(Base);
  if (Subclass === undefined) {
    Subclass = makeSubclass(Base as new () => CallbackBase);
    subclasses.set(Base, Subclass);
  }
  return new Subclass(resolve(options)) as InstanceType<C>;
}

function resolve(options: TfjsCallbackOptions): Resolved {
  const { logFreq = 'epoch', yieldEveryMs = 125, init } = options;
  let every: number;
  if (logFreq === 'epoch') every = 0;
  else if (logFreq === 'batch') every = 1;
  else if (Number.isInteger(logFreq) && logFreq > 0) every = logFreq;
  else throw new TypeError(`tfjsCallback(): logFreq must be 'epoch', 'batch' or a positive integer, got ${JSON.stringify(logFreq) ?? String(logFreq)}`);
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) {
    throw new TypeError(`tfjsCallback(): yieldEveryMs must be a number >= 0 (ms), got ${String(yieldEveryMs)}`);
  }
  return { every, yieldEveryMs, init };
}

function makeSubclass(Base: new () => CallbackBase): new (options: Resolved) => CallbackBase {
  return class SwanlabTfjsCallback extends Base {
    readonly #o: Resolved;
    /** Batches trained under this callback, over every fit(). */
    #globalStep = 0;
    /** Batches logged so far × logFreq (SwanLab's `batch_step`). */
    #batchStep = 0;
    /** `batch/<key>` and `epoch/<key>` for each key seen, made once: batch records go out every batch. */
    readonly #batchNames = new Map<string, string>();
    readonly #epochNames = new Map<string, string>();
    /** Last batch's record, refilled while tfjs's batch logs keep their metrics (BatchRecord). */
    #batchRecord: BatchRecord | undefined;
    #nextEpochStep = 0;
    #lastYield = 0;
    /** When the clock was last read, how many batches apart the reads are, and how many are left. */
    #lastCheck = 0;
    #checkEvery = 1;
    #batchesToCheck = 1;

    constructor(options: Resolved) {
      super();
      this.#o = options;
    }

    // Methods are own arrow properties so that they keep `this` when tfjs treats this object
    // as a `{ onBatchEnd, … }` config (a callbacks array whose first item is not a tf.Callback).

    onTrainBegin = async (): Promise<void> => {
      if (api.getRun() === undefined) api.init(this.#o.init);
      api.config.update({ FRAMEWORK: 'tfjs' });
      this.#lastYield = this.#lastCheck = performance.now();
      this.#checkEvery = this.#batchesToCheck = 1;
    };

    onBatchEnd = (batch: number, logs?: Logs): Promise<void> | undefined => {
      this.#globalStep++;
      const every = this.#o.every;
      if (every !== 0 && batch % every === 0 && logs !== undefined) {
        const lr = this.#learningRate();
        let record = this.#batchRecord?.refill(logs, this.#batchStep, lr);
        if (record === undefined) {
          this.#batchRecord = new BatchRecord(logs, this.#batchNames, this.#batchStep, lr);
          record = this.#batchRecord.record;
        }
        api.log(record, this.#globalStep);
        this.#batchStep += every;
      }
      return this.#maybeYield();
    };

    onEpochEnd = async (epoch: number, logs?: Logs): Promise<void> => {
      const record = metrics(logs, this.#epochNames, 'epoch/', false);
      record['epoch/epoch'] = epoch;
      const lr = this.#learningRate();
      if (lr !== undefined) record['epoch/learning_rate'] = lr;
      const step = Math.max(epoch, this.#nextEpochStep);
      api.log(record, step);
      this.#nextEpochStep = step + 1;
    };

    /** The optimizer's learning rate when it is a plain finite number. */
    #learningRate(): number | undefined {
      const lr = this.model?.optimizer?.learningRate;
      return typeof lr === 'number' && Number.isFinite(lr) ? lr : undefined;
    }

    /**
     * tfjs's default callback yields the same way: setImmediate, at most every yieldEveryMs;
     * here at the first clock read after it (YIELD_CHECK_MS), not at the very batch.
     */
    #maybeYield(): Promise<void> | undefined {
      const every = this.#o.yieldEveryMs;
      if (every === Infinity) return undefined;
      if (every !== 0) {
        if (--this.#batchesToCheck > 0) return undefined;
        const now = performance.now();
        const perBatch = (now - this.#lastCheck) / this.#checkEvery;
        this.#checkEvery = perBatch * YIELD_CHECK_MAX_BATCHES <= YIELD_CHECK_MS ? YIELD_CHECK_MAX_BATCHES : Math.max(1, Math.floor(YIELD_CHECK_MS / perBatch));
        this.#batchesToCheck = this.#checkEvery;
        this.#lastCheck = now;
        if (now - this.#lastYield < every) return undefined;
        this.#lastYield = now;
      }
      return new Promise((resolve) => setImmediate(resolve));
    }
  };
}

/**
 * The metrics of tfjs's `logs` as a record named `<prefix><key>`, leaving out the batch's
 * `batch` and `size` when `batchLogs`, and anything that is not a number or a one-value
 * tensor. `names` keeps the names made; `used`, when given, gets the keys of `logs` that went
 * in, in order.
 */
function metrics(logs: Logs | undefined, names: Map<string, string>, prefix: string, batchLogs: boolean, used?: string[]): Record<string, number> {
  const record: Record<string, number> = {};
  for (const key in logs) {
    if (batchLogs && isBatchInfo(key)) continue;
    const v = scalar(logs[key]);
    if (v === undefined) continue;
    let name = names.get(key);
    if (name === undefined) names.set(key, (name = prefix + key));
    record[name] = v;
    used?.push(key);
  }
  return record;
}

/**
 * A batch record reused from batch to batch: tfjs passes the same metrics every batch, so the
 * record is refilled in place (no object, and no name lookups, per batch) and log() sees one
 * record shape. Any change in the metrics, or in whether the learning rate is a number, makes
 * refill() return undefined and the caller builds a new one.
 */
class BatchRecord {
  readonly record: Record<string, number>;
  /** Keys of tfjs's logs behind the record's metrics, in order, and the record's name for each. */
  readonly #keys: string[] = [];
  readonly #names: string[];
  readonly #hasLearningRate: boolean;

  constructor(logs: Logs, names: Map<string, string>, batchStep: number, lr: number | undefined) {
    this.record = metrics(logs, names, 'batch/', true, this.#keys);
    this.#names = this.#keys.map((k) => names.get(k)!);
    this.#hasLearningRate = lr !== undefined;
    this.#fillTail(batchStep, lr);
  }

  /** The record holding this batch's values, or undefined when `logs` no longer fits it. */
  refill(logs: Logs, batchStep: number, lr: number | undefined): Record<string, number> | undefined {
    if ((lr !== undefined) !== this.#hasLearningRate) return undefined;
    const keys = this.#keys;
    const names = this.#names;
    const record = this.record;
    let n = 0;
    for (const key in logs) {
      if (isBatchInfo(key)) continue;
      const v = scalar(logs[key]);
      // A key left out (not a number) stays out; one that went in must still be a number.
      if (v === undefined) {
        if (keys[n] === key) return undefined;
        continue;
      }
      if (keys[n] !== key) return undefined;
      record[names[n]!] = v;
      n++;
    }
    if (n !== keys.length) return undefined;
    this.#fillTail(batchStep, lr);
    return record;
  }

  #fillTail(batchStep: number, lr: number | undefined): void {
    this.record['batch/batch_step'] = batchStep;
    if (lr !== undefined) this.record['batch/learning_rate'] = lr;
  }
}

/** A number, or a scalar tensor's value; undefined for anything else. */
function scalar(v: LogValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && typeof v.dataSync === 'function') {
    const values = v.dataSync();
    return values.length === 1 ? values[0] : undefined;
  }
  return undefined;
}
