/**
 * What the bench's scenarios share: the quick switch, statistics, the machine description,
 * and the one-line protocol a scenario child uses to hand its result to bench/index.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `BENCH_QUICK=1`: tiny counts for a smoke run (test/bench-smoke.test.ts). */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Repository root (bench/lib/ is two levels down). */
export const ROOT = path.resolve(__dirname, '..', '..');

/** tsx's loader by URL, so a child's `--import` does not depend on its working directory. */
export const TSX_LOADER = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;

/** A scenario child prints exactly one line starting with this, followed by its JSON result. */
export const RESULT_MARKER = '@@bench-result ';

/** The record every scenario logs, with the keys already seen after the warm-up. */
export type Rec = { loss: number; acc: number };

/** Sorted copy of `xs`. */
export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** The q-quantile (0..1) of a sorted array, nearest rank. */
export function quantile(sortedXs: readonly number[], q: number): number {
  if (sortedXs.length === 0) return NaN;
  const i = Math.min(sortedXs.length - 1, Math.max(0, Math.ceil(q * sortedXs.length) - 1));
  return sortedXs[i]!;
}

/** Mean of `xs`. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Median of `xs` with a distribution-free 95 % confidence interval: the order statistics
 * n/2 ∓ 0.98·√n (the binomial interval for the median; no assumption about the noise, which on
 * a shared 2-core machine is neither normal nor symmetric).
 */
export function medianCI(xs: readonly number[]): { median: number; lo: number; hi: number } {
  const s = sorted(xs);
  const n = s.length;
  const half = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { median: quantile(s, 0.5), lo: s[lo] ?? NaN, hi: s[hi] ?? NaN };
}

/** Where and on what the numbers were taken. */
export interface MachineInfo {
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  os: string;
  totalMemMiB: number;
  /** 1-minute load average when the bench started: other work on the machine skews every number. */
  loadAvg1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg1m: os.loadavg()[0]!,
  };
}

/** Called by a scenario child: hand its result to the parent. */
export function report(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Run a bench entry point: its error is printed and sets a failing exit code. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/**
 * Run `bench/scenarios/<name>.ts args…` in its own Node process (pino's runbench habit: one
 * process per scenario, so one's heap, JIT state and RSS do not leak into the next) and
 * return the JSON it reports. Its other output passes through to ours. `nodeArgs` go to
 * node itself (`--expose-gc`).
 */
export function runScenario<T>(name: string, args: readonly string[] = [], nodeArgs: readonly string[] = []): Promise<T> {
  const file = path.join(ROOT, 'bench', 'scenarios', `${name}.ts`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', TSX_LOADER, file, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let result: T | undefined;
      for (const line of out.split('\n')) {
        if (line.startsWith(RESULT_MARKER)) result = JSON.parse(line.slice(RESULT_MARKER.length)) as T;
        else if (line.trim() !== '') process.stdout.write(`  [${name}] ${line}\n`);
      }
      if (code !== 0 || result === undefined) {
        reject(new Error(`bench scenario ${name} ${args.join(' ')} failed: exit ${code ?? signal}${result === undefined ? ', no result line' : ''}`));
      } else resolve(result);
    });
  });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** MiB of the run file in `runDir` (the one `*.swanlab` file there); throws if there is none. */
export function runFileMiB(runDir: string): number {
  const name = fs.readdirSync(runDir).find((f) => f.endsWith('.swanlab'));
  if (name === undefined) throw new Error(`bench: no run file in ${runDir}`);
  return fs.statSync(path.join(runDir, name)).size / 2 ** 20;
}

/** Resolve after the event loop has had a turn (lets workers' messages and timers run). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Block this thread for `ms` without burning the CPU the worker needs (outside timed regions only). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The internals a Run exposes to swanlab-node's own tests and benches (src/main/run.ts INTERNALS). */
export interface RunInternals {
  ring: { capacity: number; usedBytes(): number; ctrl: Int32Array } | undefined;
}

export const INTERNALS = Symbol.for('swanlab-node.internals');

/** The run's ring, or throw: the bench needs it to keep the ring from filling. */
export function ringOf(run: object): NonNullable<RunInternals['ring']> {
  const ring = (run as Record<symbol, RunInternals | undefined>)[INTERNALS]?.ring;
  if (!ring) throw new Error('bench: the run exposes no ring (disabled mode, or src/main/run.ts INTERNALS changed)');
  return ring;
}
