/**
 * The main thread's view of an online run's upload: `run.ready` and `run.url` from the
 * worker's statuses, the one-line failure message, and the progress line of the finish drain.
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import type { UploadStatus } from '../shared/upload-messages.js';
import { printWarning } from './print.js';

/** Non-TTY stderr gets a progress line at most this often (a log file should not fill up). */
const PLAIN_PROGRESS_EVERY_MS = 5000;

/** Upload state of one run. */
export class UploadView {
  /** Resolves with the run's URL (undefined for runs that do not upload); rejects with why it cannot upload. */
  readonly ready: Promise<string | undefined>;
  /** The run's URL once the server has it. */
  url: string | undefined;
  #resolve!: (url: string | undefined) => void;
  #reject!: (err: Error) => void;
  #lastPlain = 0;

  constructor(online: boolean) {
    this.ready = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A user who never awaits run.ready must not get an unhandled rejection for it.
    this.ready.catch(() => {});
    if (!online) this.#resolve(undefined);
  }

  /** Handle a status from the worker. */
  onStatus(s: UploadStatus): void {
    switch (s.t) {
      case 'online':
        this.url = s.url;
        printWarning(`${s.resumed ? 'resuming' : 'uploading'} run at ${s.url}`);
        this.#resolve(s.url);
        break;
      case 'upload-failed':
        printWarning(s.error.message);
        this.#reject(new SwanlabError((s.error.code as ErrorCode) || ErrorCode.API, s.error.message));
        break;
      case 'upload-progress':
        this.#progress(s.sent, s.total, s.final);
        break;
    }
  }

  /** The run ended before the worker said anything (worker death, disabled upload). */
  settle(reason: Error): void {
    this.#reject(reason);
  }

  #progress(sent: number, total: number, final: boolean): void {
    const line = `swanlab: uploading the rest of the run: ${Math.min(sent, total)}/${total} records${final ? (sent >= total ? ', done' : '') : ' …'}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (!final && now - this.#lastPlain < PLAIN_PROGRESS_EVERY_MS) return;
    this.#lastPlain = now;
    process.stderr.write(`${line}\n`);
  }
}
