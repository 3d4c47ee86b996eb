/**
 * Finishing the run on every way a process ends, without changing how it ends.
 *
 * Two phases, as pino's `autoEnd`: on `beforeExit` the event loop still runs, so the run
 * finishes asynchronously; on `exit` only synchronous work is possible, so the main thread
 * blocks on the worker's reply (bounded by `exitFlushTimeoutMs`). Listeners are installed only
 * while a run is alive (on-exit-leak-free's habit) and removed when it finishes.
 */
import { FinishState } from '../shared/messages.js';

/** What the hooks act on: the run that is alive. */
export interface ExitTarget {
  /** Finish asynchronously while the event loop still runs. */
  finishOnBeforeExit(): void;
  /** Finish synchronously (the process is ending now). */
  finishSync(state: FinishState, error: string): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

let target: ExitTarget | undefined;
let crash: string | undefined;

function onBeforeExit(): void {
  target?.finishOnBeforeExit();
}

function onExit(): void {
  const t = target;
  if (!t) return;
  t.finishSync(crash === undefined ? FinishState.FINISHED : FinishState.CRASHED, crash ?? '');
}

function onUncaught(err: unknown): void {
  // With a listener of the user's the process lives on, and so does the run.
  if (process.listenerCount('uncaughtException') > 0) return;
  crash = err instanceof Error ? (err.stack ?? String(err)) : `Uncaught ${String(err)}`;
}

function onSignal(signal: Signal): void {
  // The user's own handler decides the process's fate; the run finishes when it really ends.
  if (process.listenerCount(signal) > 1) return;
  const t = target;
  unwatchExit();
  t?.finishSync(FinishState.ABORTED, `Aborted by ${signal}`);
  // Now the default behaviour: the process ends by the signal, as it would without us.
  process.kill(process.pid, signal);
}

const signalHandlers: Record<Signal, () => void> = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

/** Install the process listeners for `run` (the only live run). */
export function watchExit(run: ExitTarget): void {
  if (target === undefined) {
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
    process.on('uncaughtExceptionMonitor', onUncaught);
    // Prepended: onSignal must run before the user's handlers, or a process.once() handler
    // added before init() would already be gone when it counts them.
    for (const s of SIGNALS) process.prependListener(s, signalHandlers[s]);
  }
  target = run;
  crash = undefined;
}

/** Remove the listeners (the run finished). */
export function unwatchExit(): void {
  if (target === undefined) return;
  target = undefined;
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onUncaught);
  for (const s of SIGNALS) process.off(s, signalHandlers[s]);
}
