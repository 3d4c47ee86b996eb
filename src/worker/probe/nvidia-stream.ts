/**
 * The GPU monitor's readings from one nvidia-smi that runs for the whole run in its loop mode
 * (`--loop-ms`), instead of one nvidia-smi started per sample. Starting a child process forks
 * this whole process, and fork() write-protects every private page of it: the user's thread
 * then takes a page fault at its next write to each page. A loop rewriting 256 MiB ran 27 %
 * slower with a child started every 200 ms on a 16-core H200 machine, 48 % on this project's
 * 2-core VM (bench/micro/spawn-faults.ts): 54-96 ms a start, so 0.5-1 % of such a loop with a
 * start every 10 s, more than log() costs it. Started once, nvidia-smi costs one fork per run.
 */
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { READING_FIELDS, csvRows, queryArgs, readingOf, type NvidiaReading } from './nvidia.js';
import { missingProgram, onPath, startProgram } from './soft.js';

/** How long nvidia-smi has to end after SIGTERM before it gets SIGKILL. */
const KILL_AFTER_MS = 2000;

/** Readings of every GPU, from one long-running `nvidia-smi --loop-ms`. */
export class NvidiaStream {
  readonly #periodMs: number;
  #child: ChildProcessByStdio<null, Readable, null> | undefined;
  /** Text after the last newline read. */
  #partial = '';
  /** The latest reading of each GPU, by index. */
  readonly #latest = new Map<number, NvidiaReading>();
  /** Date.now() of the latest line (0: none from this child yet). */
  #lastLineAt = 0;
  /** Why the child stopped, until read() reports it (the read after that starts a new one). */
  #failure: Error | undefined;
  /** read() calls waiting for the next lines or the child's end. */
  #waiting: (() => void)[] = [];
  #stopped = false;
  readonly #kill = (): void => {
    this.#child?.kill();
  };

  /** @param periodMs how often nvidia-smi reads the GPUs (the monitor: half its interval). */
  constructor(periodMs: number) {
    this.#periodMs = Math.max(1, Math.round(periodMs));
  }

  /**
   * The latest reading of each GPU. The first call starts nvidia-smi and waits for its first
   * lines; so does the first call after it stopped, which the call before reported (rejected).
   * Rejects when nvidia-smi is missing (`code === 'ENOENT'`), stopped, or wrote nothing for two
   * periods and `timeoutMs` (then it is ended, and started again at the next call).
   */
  async read(timeoutMs: number): Promise<NvidiaReading[]> {
    if (this.#stopped) return [];
    this.#throwFailure();
    if (this.#child === undefined) {
      if (!(await onPath('nvidia-smi'))) throw missingProgram('nvidia-smi');
      if (this.#stopped) return [];
      this.#start();
    }
    if (this.#lastLineAt === 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#stopped) return [];
    this.#throwFailure();
    const silentMs = Date.now() - this.#lastLineAt;
    if (silentMs > 2 * this.#periodMs + timeoutMs) {
      this.#end(undefined);
      throw new Error(`nvidia-smi wrote nothing for ${silentMs} ms`);
    }
    return [...this.#latest.values()];
  }

  /** End nvidia-smi for good; later reads give nothing. */
  stop(): void {
    this.#stopped = true;
    this.#end(undefined);
  }

  #start(): void {
    const child = startProgram('nvidia-smi', [...queryArgs(READING_FIELDS), `--loop-ms=${this.#periodMs}`]);
    this.#child = child;
    this.#partial = '';
    this.#lastLineAt = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (this.#child !== child) return;
      const text = this.#partial + chunk;
      const end = text.lastIndexOf('\n') + 1;
      this.#partial = text.slice(end);
      const rows = csvRows(text.slice(0, end));
      if (rows.length === 0) return;
      for (const row of rows) {
        const reading = readingOf(row);
        if (Number.isInteger(reading.index)) this.#latest.set(reading.index, reading);
      }
      this.#lastLineAt = Date.now();
      this.#wake();
    });
    child.on('error', (err) => {
      if (this.#child === child) this.#end(err);
    });
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#end(new Error(`nvidia-smi --loop-ms stopped (${signal ?? `exit code ${code}`})`));
    });
    // A worker that ends without stop() (it crashed) still ends nvidia-smi.
    process.once('exit', this.#kill);
  }

  /** Forget the child (ending it if it still runs), keep `failure` for the next read, wake the waiting. */
  #end(failure: Error | undefined): void {
    const child = this.#child;
    if (child !== undefined) {
      this.#child = undefined;
      process.removeListener('exit', this.#kill);
      // (No pid: it never started, and there is nothing to end.)
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        // nvidia-smi takes ~330 ms to end after SIGTERM (H200 machine). Until it has, its handle
        // keeps the worker's event loop, which alone can reap it: a run that finishes must not
        // leave a zombie behind in a process that goes on. A hung driver gets SIGKILL.
        child.ref();
        child.kill();
        const hard = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        child.once('exit', () => clearTimeout(hard));
      }
    }
    if (failure !== undefined && !this.#stopped) this.#failure = failure;
    this.#latest.clear();
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (failure === undefined) return;
    this.#failure = undefined;
    throw failure;
  }
}
