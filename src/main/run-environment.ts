/**
 * A run's environment recording as the main thread sees it (spec 4.1-4.4): what the worker is
 * told to probe (everything slow happens there), console capture from init() to finish, and
 * the finish line with the run's duration. All of it costs init() a few microseconds: options
 * already resolved, the command line and cwd copied, two stream writes wrapped.
 */
import type { EnvironmentInit } from '../shared/environment-messages.js';
import { FinishState } from '../shared/messages.js';
import type { RingWriter } from '../shared/ring.js';
import { ConsoleCapture } from './console-capture.js';
import type { ResolvedOptions } from './options.js';
import { printWarning } from './print.js';
import { VERSION } from './version.js';

/** Longest a finishing run waits for an environment snapshot still being taken. */
const MAX_FINISH_WAIT_MS = 5_000;

/** workerData.env for a run with these options. */
export function environmentInit(o: ResolvedOptions): EnvironmentInit {
  const { monitorIntervalMs, ...probe } = o.probe;
  return {
    probe,
    monitorIntervalMs,
    consoleMaxLength: o.consoleMaxLength,
    // As the process was started (what /proc/self/cmdline holds): the worker masks secrets.
    command: [process.argv0, ...process.execArgv, ...process.argv.slice(1)],
    cwd: process.cwd(),
    sdkVersion: VERSION,
    // Half the exit budget at most, so the FinishRecord itself still makes it on exit.
    finishWaitMs: Math.min(MAX_FINISH_WAIT_MS, Math.floor(o.exitFlushTimeoutMs / 2)),
  };
}

/** "3.2 s", "4 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/** The line finish() prints: how the run ended, how long it took, where its files are. */
export function finishLine(name: string, state: FinishState, durationMs: number, dir: string): string {
  const how = state === FinishState.CRASHED ? 'crashed after' : state === FinishState.ABORTED ? 'was aborted after' : 'finished in';
  return `run ${name} ${how} ${formatDuration(durationMs)}; its files are in ${dir}`;
}

/** Console capture and the finish line of one run. */
export class RunEnvironment {
  readonly #name: string;
  readonly #dir: string;
  readonly #startedAt: number;
  #capture: ConsoleCapture | undefined;

  /**
   * @param alive false once the worker is gone (console writes then stop waiting for room).
   */
  constructor(o: ResolvedOptions, ring: RingWriter, run: { name: string; dir: string; startedAt: number }, alive: () => boolean) {
    this.#name = run.name;
    this.#dir = run.dir;
    this.#startedAt = run.startedAt;
    if (o.console !== 'none') this.#capture = new ConsoleCapture({ ring, ringFullTimeoutMs: o.ringFullTimeoutMs, alive }, o.console);
  }

  /**
   * The run is about to be finished at `timeMs`: print the finish line while the console is
   * still recorded, so it is the run's last console line as it is the user's, then stop.
   */
  finishing(state: FinishState, timeMs: number): void {
    const dropped = this.#capture?.dropped ?? 0;
    if (dropped > 0) printWarning(`${dropped} console write${dropped === 1 ? ' was' : 's were'} not recorded: the ring stayed full for ringFullTimeoutMs`);
    printWarning(finishLine(this.#name, state, timeMs - this.#startedAt, this.#dir));
    this.detach();
  }

  /** Stop recording the console (finish, or the worker died). */
  detach(): void {
    this.#capture?.detach();
    this.#capture = undefined;
  }
}
