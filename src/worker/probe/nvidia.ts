/**
 * NVIDIA GPUs through `nvidia-smi` (spec 4.1, 4.4), for the metadata snapshot and the monitor.
 * Asked directly and asynchronously, with a timeout: systeminformation's graphics() runs
 * nvidia-smi with execFileSync and no timeout, which would stall the worker on a hung driver.
 * Indices are nvidia-smi's own (CUDA_VISIBLE_DEVICES is not applied, as in SwanLab).
 */
import { missingProgram, onPath, runCommand } from './soft.js';

/** One GPU as the metadata lists it. */
export interface NvidiaDevice {
  index: number;
  name: string;
  /** Total memory, MiB. */
  memoryMiB: number;
  driverVersion: string;
}

/** One GPU's readings; NaN where nvidia-smi says `[N/A]` or `[Not Supported]`. */
export interface NvidiaReading {
  index: number;
  /** GPU utilization, %. */
  utilization: number;
  /** Memory in use, MiB. */
  memoryUsedMiB: number;
  /** Total memory, MiB. */
  memoryTotalMiB: number;
  /** °C */
  temperature: number;
  /** W */
  power: number;
  /** Time the memory was being read or written, %. */
  memoryUtilization: number;
}

/** nvidia-smi's arguments for one CSV line per GPU with `fields`. */
export function queryArgs(fields: string): string[] {
  return [`--query-gpu=${fields}`, '--format=csv,noheader,nounits'];
}

/** The fields of a line of readings, in {@link readingOf}'s order. */
export const READING_FIELDS = 'index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,utilization.memory';

/** nvidia-smi's CSV lines as rows of fields. */
export function csvRows(out: string): string[][] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(', '));
}

async function query(fields: string, timeoutMs: number): Promise<string[][]> {
  if (!(await onPath('nvidia-smi'))) throw missingProgram('nvidia-smi');
  return runCommand('nvidia-smi', queryArgs(fields), timeoutMs).then(csvRows);
}

function num(s: string | undefined): number {
  const v = s === undefined ? NaN : Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** The GPUs nvidia-smi sees; rejects when it is missing (`ENOENT`) or fails. */
export async function listNvidiaDevices(timeoutMs: number): Promise<NvidiaDevice[]> {
  const rows = await query('index,memory.total,driver_version,name', timeoutMs);
  // The name goes last: it is the one field that may itself contain ", ".
  return rows.map((r) => ({ index: num(r[0]), memoryMiB: num(r[1]), driverVersion: r[2] ?? '', name: r.slice(3).join(', ') }));
}

/** One GPU's readings from a row of {@link READING_FIELDS}. */
export function readingOf(r: readonly string[]): NvidiaReading {
  return {
    index: num(r[0]),
    utilization: num(r[1]),
    memoryUsedMiB: num(r[2]),
    memoryTotalMiB: num(r[3]),
    temperature: num(r[4]),
    power: num(r[5]),
    memoryUtilization: num(r[6]),
  };
}

/** CUDA version: `nvcc --version` ("release 12.4,"), else nvidia-smi's header ("CUDA Version: 12.4"); both asked at once. */
export async function cudaVersion(timeoutMs: number): Promise<string | null> {
  const ask = (file: string, args: string[], re: RegExp) =>
    runCommand(file, args, timeoutMs).then(
      (out) => re.exec(out)?.[1] ?? null,
      () => null,
    );
  const [nvcc, smi] = await Promise.all([
    ask('nvcc', ['--version'], /release (\d+(?:\.\d+)*)/),
    ask('nvidia-smi', [], /CUDA Version:\s*(\d+(?:\.\d+)*)/),
  ]);
  return nvcc ?? smi;
}
