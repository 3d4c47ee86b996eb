// Shared test helpers: temp log dirs, reading back what a run wrote, capturing our stderr lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { getRun, readRun, type RunRecord } from 'swanlab-node';
// No test reaches a real SwanLab: no saved login, no key from the environment (see the file).
import { SWANLAB_ROOT } from './fake-swanlab/env.js';

/** Directories made by tempDir() in this test process, and its private SWANLAB_ROOT. */
const made: string[] = [SWANLAB_ROOT];

// After the file's tests, remove what tempDir() made (runs of 35 MB and more add up in /tmp),
// unless a run is still open, whose exit hook will write into its folder, or
// SWANLAB_TEST_KEEP=1 asks to keep them for a look.
after(() => {
  if (process.env.SWANLAB_TEST_KEEP === '1' || getRun() !== undefined) return;
  for (const dir of made) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder something still holds stays: it is only a temp dir.
    }
  }
});

/** A fresh empty directory under the OS temp dir, removed after the file's tests. */
export function tempDir(prefix = 'swanlab-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A scalar as written: key, step and value. */
export interface Point {
  key: string;
  step: number;
  value: number;
}

/** Every record of a run folder, in file order. */
export function records(dir: string): RunRecord[] {
  return [...readRun(dir)];
}

/**
 * Poll every 5 ms until `cond` holds: true, or false once `timeoutMs` passed. A test waits
 * for what it checks, not for a fixed time, which a loaded machine may not be given.
 */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; !cond(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() > deadline) return false;
  }
  return true;
}

/** A key of the hardware monitor (`__swanlab__.cpu.pct` …, spec 4.4), not the user's. */
export function isSystemKey(key: string): boolean {
  return key.startsWith('__swanlab__.');
}

/** The ScalarRecords of a run folder, in file order; the hardware monitor's left out. */
export function points(dir: string): Point[] {
  const out: Point[] = [];
  for (const r of readRun(dir)) {
    if (r.recordType.case === 'scalar' && !isSystemKey(r.recordType.value.key)) {
      const s = r.recordType.value;
      out.push({ key: s.key, step: Number(s.step), value: s.value?.number ?? 0 });
    }
  }
  return out;
}

/** `key@step=value` strings, compact for deepEqual. */
export function pointStrings(dir: string): string[] {
  return points(dir).map((p) => `${p.key}@${p.step}=${p.value}`);
}

/** Run `fn` while collecting what is written to process.stderr (still passing it through). */
export async function captureStderr<T>(fn: () => T | Promise<T>): Promise<{ result: T; lines: string[] }> {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return (original as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, lines: text.split('\n').filter((l) => l.length > 0) };
  } finally {
    process.stderr.write = original;
  }
}
