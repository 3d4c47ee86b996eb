/**
 * Our own messages: one line on stderr with the `swanlab:` prefix (spec decisions table), so
 * they are seen by the user and captured like any other console line.
 */

/** Print one `swanlab: …` line on stderr. */
export function printWarning(message: string): void {
  process.stderr.write(`swanlab: ${message}\n`);
}
