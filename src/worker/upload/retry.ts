/**
 * Backoff between tries of a failed upload: exponential with jitter and a cap, so a long
 * outage costs one request every `maxMs` instead of SwanLab's tight retry loop (spec
 * decisions table, section 7 item 8), and many clients that failed together do not return
 * together.
 */

/** Delays of the retry loop. */
export interface RetryPolicy {
  /** First delay. */
  minMs: number;
  /** Largest delay. */
  maxMs: number;
}

/**
 * Delay before try `attempt + 1` (attempt 0 is the first failure): "equal jitter", half of
 * min(maxMs, minMs * 2^attempt) fixed plus a random half, so it never collapses to zero.
 */
export function backoffDelay(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(p.maxMs, p.minMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
