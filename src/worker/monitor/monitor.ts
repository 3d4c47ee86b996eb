/**
 * The hardware monitor (spec 4.4, decisions table): a sample at start, then one every interval,
 * each written as `__swanlab__.<key>` ScalarRecords at the monitor's own step (0, 1, 2 …), all
 * with the tick's time. A key's SYSTEM ColumnRecord (chart name, y range, colour) goes before
 * its first value.
 *
 * Samplers run side by side, each with a timeout. One that fails or times out leaves its own
 * keys out of that tick, with one debug note, and the others go on: a failing GPU probe must
 * not hide the CPU charts (SwanLab #773). A missing tool, or three failures in a row, retires it.
 */
import { randomId } from '../../shared/random-id.js';
import { debug, isMissing, withTimeout } from '../probe/soft.js';

/** One system metric and its chart. */
export interface SystemMetric {
  /** Key after the `__swanlab__.` prefix: `cpu.pct`, `gpu.0.mem.value` … */
  key: string;
  /** Series name (column_name, metric_name): `GPU 0`, or the chart name for one-series charts. */
  name: string;
  /** Chart name (`GPU Utilization (%)`); series with the same chart name share one chart. */
  chart: string;
  yMin?: number;
  yMax?: number;
  /** Palette index: the series' place in its chart. */
  color: number;
}

/** A value read for a metric. */
export interface Reading {
  metric: SystemMetric;
  value: number;
}

/** A source of readings (CPU, memory, NVIDIA GPUs …). */
export interface Sampler {
  /** Name in debug notes. */
  readonly name: string;
  /** Read now; may reject. `timeoutMs` bounds any command it runs. */
  sample(timeoutMs: number): Promise<Reading[]>;
  /** Release what it holds (a child process); called once, when the monitor stops. */
  stop?(): void;
}

/** Where the monitor's records go (the run file in the worker; a list in tests). */
export interface SystemSink {
  /** The SYSTEM ColumnRecord of `metric`, before its first value. */
  column(metric: SystemMetric, chartIndex: string, color: string, timeMs: number): void;
  /** One value at the monitor's step. */
  scalar(key: string, step: number, timeMs: number, value: number): void;
  /** A tick is written: make it durable soon. */
  flush(): void;
}

/** Key prefix of system metrics (SwanLab's `fmt_system_key`). */
export const SYSTEM_KEY_PREFIX = '__swanlab__.';
/** SwanLab's 16-colour chart palette. */
const PALETTE = [
  '#528d59', '#9cbe5d', '#dfb142', '#d0703c', '#e3b292', '#c24d46', '#892d58', '#d47694',
  '#8cc5b7', '#40877c', '#6ebad3', '#587ad2', '#6d4ba4', '#b15fbb', '#905f4a', '#989fa3',
];
/** Failures in a row after which a sampler is retired. */
const MAX_FAILURES = 3;
/** Longest a sampler may take, whatever the interval. */
const MAX_SAMPLE_MS = 5_000;

interface SamplerState {
  sampler: Sampler;
  failures: number;
  noted: boolean;
  retired: boolean;
}

/** Samples the hardware on a timer and writes what it reads. */
export class Monitor {
  readonly #samplers: SamplerState[];
  readonly #sink: SystemSink;
  readonly #intervalMs: number;
  readonly #chartIndex = new Map<string, string>();
  readonly #columns = new Set<string>();
  #step = 0;
  #startedAt = 0;
  /** Index of the next tick's slot (start + slot × interval). */
  #slot = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(samplers: readonly Sampler[], sink: SystemSink, intervalMs: number) {
    this.#samplers = samplers.map((sampler) => ({ sampler, failures: 0, noted: false, retired: false }));
    this.#sink = sink;
    this.#intervalMs = intervalMs;
  }

  /** Take the first sample now, then one every interval. Once only; never after stop(). */
  start(): void {
    if (this.#startedAt !== 0 || this.#stopped) return;
    this.#startedAt = Date.now();
    void this.#tick();
  }

  /** Stop: no tick starts, and one in progress writes nothing. Never waits. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const s of this.#samplers) s.sampler.stop?.();
  }

  async #tick(): Promise<void> {
    const time = Date.now();
    const timeoutMs = Math.min(this.#intervalMs, MAX_SAMPLE_MS);
    const results = await Promise.all(this.#samplers.map((s) => this.#sample(s, timeoutMs)));
    if (this.#stopped) return;
    const readings = results.flat();
    if (readings.length > 0) this.#write(readings, time);
    // Ticks keep to start + n × interval; slots a long tick ran over are skipped, not caught up.
    const now = Date.now();
    this.#slot = Math.max(this.#slot + 1, Math.ceil((now - this.#startedAt) / this.#intervalMs));
    this.#timer = setTimeout(() => void this.#tick(), this.#startedAt + this.#slot * this.#intervalMs - now);
  }

  async #sample(s: SamplerState, timeoutMs: number): Promise<Reading[]> {
    if (s.retired) return [];
    try {
      const readings = await withTimeout(s.sampler.sample(timeoutMs), timeoutMs, `sampler ${s.sampler.name}`);
      s.failures = 0;
      return readings.filter((r) => Number.isFinite(r.value));
    } catch (err) {
      s.retired = isMissing(err) || ++s.failures >= MAX_FAILURES;
      if (!s.noted || s.retired) {
        s.noted = true;
        debug('monitor: sampler %s failed (%s); its keys are left out%s', s.sampler.name, err instanceof Error ? err.message : String(err), s.retired ? ' from now on' : '');
      }
      return [];
    }
  }

  #write(readings: Reading[], time: number): void {
    const sink = this.#sink;
    const step = this.#step++;
    for (const { metric } of readings) {
      if (this.#columns.has(metric.key)) continue;
      this.#columns.add(metric.key);
      let index = this.#chartIndex.get(metric.chart);
      // A random 8-character id shared by the series of one chart.
      if (index === undefined) this.#chartIndex.set(metric.chart, (index = randomId(8)));
      sink.column(metric, index, PALETTE[metric.color % PALETTE.length]!, time);
    }
    for (const r of readings) sink.scalar(SYSTEM_KEY_PREFIX + r.metric.key, step, time, r.value);
    sink.flush();
  }
}
