/**
 * Failing soft, with a bound: every probe of the environment goes through these, so a missing
 * tool or a hung driver leaves a `null` and a debug note (`NODE_DEBUG=swanlab`), never an
 * exception and never a wait longer than its timeout.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import fs from 'node:fs/promises';
import path from 'node:path';
import { debuglog } from 'node:util';

/** A note for `NODE_DEBUG=swanlab`; free when that is off. */
export const debug = debuglog('swanlab');

/** The error of a probe that did not answer in time. */
class ProbeTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'ProbeTimeout';
  }
}

/** `promise`, or a {@link ProbeTimeout} rejection after `ms`; the timer never outlives it. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Run `probe` within `ms`; on any failure note why and give `null`. */
export async function soft<T>(what: string, ms: number, probe: () => Promise<T>): Promise<T | null> {
  try {
    return await withTimeout(probe(), ms, what);
  } catch (err) {
    debug('%s failed: %s', what, err instanceof Error ? err.message : String(err));
    return null;
  }
}

let afterSpawn = (): void => {};

/**
 * Call `hook` right after each child process runCommand() or startProgram() starts (the worker
 * maps its ring again: the fork write-protected it, RingReader.remap).
 */
export function onSpawn(hook: () => void): void {
  afterSpawn = hook;
}

/**
 * stdout of `file args` (no shell), killed after `timeoutMs`. Rejects on a non-zero exit, on a
 * timeout and when the program is missing (`err.code === 'ENOENT'`).
 */
export function runCommand(file: string, args: readonly string[], timeoutMs: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, encoding: 'utf8', maxBuffer: 1 << 20, ...(cwd ? { cwd } : {}) },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    // libuv returns once the child has exec'd: the parent's pages are its own again.
    afterSpawn();
  });
}

/**
 * Start `file args` (no shell) for as long as it runs, its stdout piped to this thread, stdin
 * and stderr discarded; neither it nor its pipe keeps the worker alive. A missing program shows
 * as an 'error' event with `code === 'ENOENT'`.
 *
 * On POSIX it gets a process group of its own: Ctrl+C in a terminal signals the whole foreground
 * group, and a training program that catches SIGINT to save a checkpoint and go on would
 * otherwise lose this child with it. The caller ends it (SIGTERM); if this process dies first,
 * the program's next write to the closed pipe ends it (nvidia-smi, checked on an H200 machine).
 */
export function startProgram(file: string, args: readonly string[]): ChildProcessByStdio<null, Readable, null> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true, detached: process.platform !== 'win32' });
  afterSpawn();
  child.unref();
  (child.stdout as Socket).unref();
  return child;
}

/** True for the error of a program that is not installed. */
export function isMissing(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENOENT';
}

const onPathCache = new Map<string, Promise<boolean>>();

/**
 * Whether `program` is an executable on PATH, looked up once per thread. Spawning forks the
 * whole process (3-4 ms of this thread each, measured here), so programs that are not there
 * are not started just to fail. Windows, with its PATHEXT rules, is always answered yes.
 */
export function onPath(program: string): Promise<boolean> {
  let found = onPathCache.get(program);
  if (found === undefined) {
    found =
      process.platform === 'win32'
        ? Promise.resolve(true)
        : Promise.all(
            (process.env.PATH ?? '')
              .split(path.delimiter)
              .filter((dir) => dir !== '')
              .map((dir) => fs.access(path.join(dir, program), fs.constants.X_OK).then(() => true, () => false)),
          ).then((hits) => hits.includes(true));
    onPathCache.set(program, found);
  }
  return found;
}

/** The error {@link runCommand} gives for a program that is not installed. */
export function missingProgram(program: string): Error {
  return Object.assign(new Error(`${program} is not on PATH`), { code: 'ENOENT' });
}
