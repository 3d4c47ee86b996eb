// Test settings for online runs and sync: every interval scaled down (a "30-second outage"
// lasts a second or two), and no real SwanLab reachable: no saved login, no key from the
// environment, a private SWANLAB_ROOT. Import it before init() is called.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRun, type RunRecord } from 'swanlab-node';
import type { FakeExperiment, Item } from './server.js';

for (const v of ['SWANLAB_API_KEY', 'SWANLAB_API_HOST', 'SWANLAB_WEB_HOST', 'SWANLAB_MODE', 'SWANLAB_RESUME', 'SWANLAB_RUN_ID']) delete process.env[v];
/** This process's SwanLab user folder (the saved login lives here). */
export const SWANLAB_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-root-'));
process.env.SWANLAB_ROOT = SWANLAB_ROOT;

/** The scaled knobs, as environment variables (children inherit them). */
export const FAST_UPLOAD_ENV: Record<string, string> = {
  SWANLAB_CORE_RECORD_INTERVAL: '0.05',
  SWANLAB_HEARTBEAT_INTERVAL: '0.3',
  SWANLAB_UPLOAD_RETRY_MIN: '0.02',
  SWANLAB_UPLOAD_RETRY_MAX: '0.25',
  SWANLAB_UPLOAD_TIMEOUT: '0.6',
  SWANLAB_UPLOAD_START_TIMEOUT: '5',
};
Object.assign(process.env, FAST_UPLOAD_ENV);

/** `key@index=data` per key, in arrival order: what the server stored. */
export function serverPoints(e: FakeExperiment): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, items] of e.scalars) out.set(key, items.map((i: Item) => `${i.index}=${i.data}`));
  return out;
}

/** `key@step=value` per key, in file order, with non-finite values as "nan" (the wire form). */
export function filePoints(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of readRun(dir) as Iterable<RunRecord>) {
    if (r.recordType.case !== 'scalar') continue;
    const s = r.recordType.value;
    const v = s.value?.number ?? 0;
    let list = out.get(s.key);
    if (!list) out.set(s.key, (list = []));
    list.push(`${s.step}=${Number.isFinite(v) ? v : 'nan'}`);
  }
  return out;
}

/** The console lines of a run file: `epoch:level:line`. */
export function fileLogs(dir: string): string[] {
  const out: string[] = [];
  for (const r of readRun(dir) as Iterable<RunRecord>) {
    if (r.recordType.case === 'log') out.push(`${r.recordType.value.epoch}:${r.recordType.value.level === 1 ? 'ERROR' : 'INFO'}:${r.recordType.value.line}`);
  }
  return out;
}

/** The console lines the server stored, same form. */
export function serverLogs(e: FakeExperiment): string[] {
  return e.logs.map((l) => `${l.epoch}:${l.level}:${l.message}`);
}

/** Sorted map entries, for deepEqual of maps. */
export function entries<V>(m: Map<string, V>): [string, V][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
