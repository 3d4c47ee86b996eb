// Runs the `swanlab-node` CLI in this process against the fake server, capturing its output.
import { PassThrough } from 'node:stream';
import { main as cli } from '../../dist/cjs/cli/index.js';

/** What one CLI invocation returned and printed. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Run `swanlab-node <args…>`; returns the exit code and its stdout and stderr. */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c));
  err.on('data', (c: Buffer) => (e += c));
  const code = await cli([...args], out, err);
  return { code, out: o, err: e };
}
