/** A one-line progress bar for a terminal (records and bytes), redrawn in place. */

const WIDTH = 24;

/** Redraws `[#####-----] 45% 1.2/2.7 MB, <detail>` on one line of `stream`. */
export class ProgressBar {
  readonly #stream: NodeJS.WritableStream;
  #shown = false;
  #last = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  /** Draw `done` of `total` bytes (at most every 100 ms, and always at the end). */
  update(done: number, total: number, detail: string): void {
    const now = Date.now();
    if (done < total && now - this.#last < 100) return;
    this.#last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const fill = Math.round(frac * WIDTH);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    this.#stream.write(`\r\x1b[2K[${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${Math.round(frac * 100)}% ${mb(done)}/${mb(total)} MB, ${detail}`);
    this.#shown = true;
  }

  /** Erase the bar, so the next line starts clean. */
  clear(): void {
    if (!this.#shown) return;
    this.#stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}
