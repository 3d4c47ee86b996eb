/**
 * Uploading run-file records (spec 5.3), shared by online runs and `swanlab-node sync`: a
 * chunk of records in file order goes out as columns, then scalars, media and console lines,
 * then profile saves, each group one request (or a few). File order within a group keeps each
 * key's steps in order, and a key's ColumnRecord always precedes its values in the file, so
 * sending a chunk's columns first keeps "column before data".
 *
 * Errors: network errors, 429 and 5xx are retried inside SwanLabApi (never dropped); another
 * 4xx drops that request's records from the upload with one error naming the endpoint and the
 * server's message (they stay in the run file). A 401 that survives a fresh login stops the
 * upload ({@link RecordUploader.fatal}).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ColumnClass, ColumnType, RunState, SaveType, msFromTimestamp, type RunRecord } from '../../format/index.js';
import { ErrorCode } from '../../shared/errors.js';
import type { SwanLabApi } from './api.js';
import { ApiError } from './errors.js';
import type { Experiment } from './experiment.js';
import {
  contentTypeOf,
  isoFromMs,
  legacyColumnItem,
  logItem,
  mediumOf,
  scalarItem,
  seriesItem,
  timestampJson,
  type ColumnRec,
  type LogRec,
  type MediaRec,
  type SaveRec,
  type ScalarRec,
} from './payloads.js';

/** Most columns per `/series` request (spec 5.3). */
const SERIES_PER_REQUEST = 3000;
/** Parallel PUTs of media files (spec 5.3). */
const MEDIA_PARALLEL = 10;

/** How the run ended, from its FinishRecord (or synthesised by `sync`). */
export interface RunEnd {
  state: RunState;
  error: string;
  finishedAtMs: number;
}

/** Counts of what an uploader did with the records it was given. */
export interface UploadCounts {
  /** Records given to {@link RecordUploader.upload} whose fate is settled (sent, skipped or dropped). */
  handled: number;
  /** Records the server took (data: columns, values, console lines). */
  sent: number;
  /** Profile saves (config, metadata, requirements) sent; a save replaces the server's copy, so resending is harmless. */
  profiles: number;
  /** Records the server already had (resume, `sync --id`), or that need no upload. */
  skipped: number;
  /** Records dropped after a 4xx (still in the run file). */
  dropped: number;
  /** Of the skipped: values at a step the server already had for their key. */
  stale: number;
  /** Bytes of media files sent. */
  mediaBytes: number;
}

/** Sends chunks of records of one run to its experiment. */
export class RecordUploader {
  readonly counts: UploadCounts = { handled: 0, sent: 0, profiles: 0, skipped: 0, dropped: 0, stale: 0, mediaBytes: 0 };
  /** The FinishRecord, once a chunk held it. */
  end: RunEnd | undefined;
  /** Set when the upload cannot go on (the session was refused); records stay in the file. */
  fatal: ApiError | undefined;
  /** The last console line number sent or known to the server. */
  lastEpoch: number;
  /** Added to the file's console line numbers (an online run resuming an experiment continues its count). */
  readonly #epochOffset: number;
  /** The server's last console line number when the upload began. */
  readonly #serverEpoch: number;
  /** The largest console line number in the records seen (after the offset). */
  #fileEpoch = 0;

  readonly #api: SwanLabApi;
  readonly #exp: Experiment;
  readonly #runDir: string;
  readonly #warn: (message: string) => void;
  readonly #known = new Set<string>();
  readonly #lastStep: Map<string, number>;
  readonly #reported = new Set<string>();
  readonly #projectPath: string;

  constructor(api: SwanLabApi, exp: Experiment, runDir: string, warn: (message: string) => void, epochOffset = 0) {
    this.#api = api;
    this.#exp = exp;
    this.#runDir = runDir;
    this.#warn = warn;
    this.#lastStep = exp.summary.lastStep;
    for (const key of this.#lastStep.keys()) this.#known.add(key);
    this.lastEpoch = exp.summary.lastEpoch;
    this.#serverEpoch = exp.summary.lastEpoch;
    this.#epochOffset = epochOffset;
    this.#projectPath = `/project/${encodeURIComponent(exp.username)}/${encodeURIComponent(exp.project)}`;
  }

  /** Upload one chunk (file order). Rejects only when `signal` aborts; 4xx are dropped and reported. */
  async upload(records: RunRecord[], signal?: AbortSignal): Promise<void> {
    const columns: ColumnRec[] = [];
    const scalars: ScalarRec[] = [];
    const media: MediaRec[] = [];
    const logs: LogRec[] = [];
    const saves = new Map<bigint, SaveRec>();
    let other = 0;
    for (const r of records) {
      const v = r.recordType;
      switch (v.case) {
        case 'column':
          columns.push(v.value);
          break;
        case 'scalar':
          scalars.push(v.value);
          break;
        case 'media':
          media.push(v.value);
          break;
        case 'log':
          logs.push(v.value);
          break;
        case 'save':
          // Same num = same file (config -3 on every change): only the last one matters.
          if (saves.has(r.num)) other++;
          saves.delete(r.num);
          saves.set(r.num, v.value);
          break;
        case 'finish':
          this.end = { state: v.value.state, error: v.value.error, finishedAtMs: v.value.finishedAt ? msFromTimestamp(v.value.finishedAt) : Date.now() };
          other++;
          break;
        default:
          other++;
      }
    }
    this.#settle(other, 'skipped');
    if (this.fatal) return this.#settle(records.length - other, 'dropped');
    await this.#columns(columns, scalars, media, signal);
    await this.#scalars(scalars, signal);
    await this.#media(media, signal);
    await this.#logs(logs, signal);
    await this.#saves([...saves.values()], signal);
  }

  /**
   * Upload a console line that is not in the run file (the error text of a crashed run), as
   * the line after the file's last one; not again when the server has that line already
   * (a second `sync --id`).
   */
  async errorLine(message: string, timeMs: number, signal?: AbortSignal): Promise<void> {
    const epoch = Math.max(this.#fileEpoch, this.#epochOffset) + 1;
    if (this.fatal || message === '' || epoch <= this.#serverEpoch) return;
    const item = { level: 'ERROR', epoch, message, create_time: isoFromMs(timeMs) };
    if (await this.#send('POST', '/house/metrics', this.#metricsBody('log', [item]), 'console line', 0, signal)) this.lastEpoch = Math.max(this.lastEpoch, epoch);
  }

  /** `PUT …/state` (spec 5.4): FINISHED / CRASHED / ABORTED with finishedAt. Returns true when the server took it. */
  async putState(end: RunEnd, signal?: AbortSignal): Promise<boolean> {
    if (this.fatal) return false;
    const state = end.state === RunState.CRASHED ? 'CRASHED' : end.state === RunState.ABORTED ? 'ABORTED' : 'FINISHED';
    return this.#send('PUT', `${this.#projectPath}/runs/${encodeURIComponent(this.#exp.cuid)}/state`, { state, finishedAt: isoFromMs(end.finishedAtMs), from: 'sdk' }, 'run state', 0, signal);
  }

  async #columns(columns: ColumnRec[], scalars: ScalarRec[], media: MediaRec[], signal?: AbortSignal): Promise<void> {
    const fresh: ColumnRec[] = [];
    for (const c of columns) {
      if (this.#known.has(c.columnKey)) this.#settle(1, 'skipped');
      else {
        this.#known.add(c.columnKey);
        fresh.push(c);
      }
    }
    // A value whose key has no column yet (a file from elsewhere, or a lost ColumnRecord):
    // make one as SwanLab's sync does, so the server never sees data before its column.
    const auto: ColumnRec[] = [];
    for (const v of [...scalars, ...media]) {
      if (this.#known.has(v.key)) continue;
      this.#known.add(v.key);
      const slash = v.key.indexOf('/');
      auto.push({ columnKey: v.key, columnType: v.type || ColumnType.SCALAR, columnClass: v.key.startsWith('__swanlab__.') ? ColumnClass.SYSTEM : ColumnClass.CUSTOM, sectionName: slash < 0 ? '' : v.key.slice(0, slash) } as ColumnRec);
    }
    const all = [...fresh, ...auto];
    for (let i = 0; i < all.length; i += SERIES_PER_REQUEST) {
      const part = all.slice(i, i + SERIES_PER_REQUEST);
      const own = part.filter((c) => fresh.includes(c)).length;
      if (this.#exp.legacy) {
        await this.#send('POST', `/experiment/${encodeURIComponent(this.#exp.cuid)}/columns`, part.map(legacyColumnItem), 'column', own, signal);
      } else {
        await this.#send('POST', `/projects/${encodeURIComponent(this.#exp.username)}/${encodeURIComponent(this.#exp.project)}/series`, { series: part.map(seriesItem) }, 'column', own, signal);
      }
    }
  }

  async #scalars(scalars: ScalarRec[], signal?: AbortSignal): Promise<void> {
    const items = [];
    for (const s of scalars) {
      if (this.#seen(s.key, s.step)) continue;
      items.push(scalarItem(s));
    }
    if (items.length > 0) await this.#send('POST', '/house/metrics', this.#metricsBody('scalar', items), 'scalar', items.length, signal);
  }

  async #media(media: MediaRec[], signal?: AbortSignal): Promise<void> {
    const metrics: { key: string; index: number; data: string[]; more?: { caption: string }[]; create_time: string }[] = [];
    const files: { path: string; file: string }[] = [];
    let without = 0;
    for (const m of media) {
      if (this.#seen(m.key, m.step)) continue;
      const medium = mediumOf(m.type);
      const data: string[] = [];
      const more: { caption: string }[] = [];
      for (const item of m.value?.items ?? []) {
        const rel = `media/${medium}/${item.filename}`;
        const file = path.join(this.#runDir, 'media', medium, item.filename);
        // Missing files are skipped silently, as SwanLab's sync does.
        if (!fs.existsSync(file)) continue;
        files.push({ path: rel, file });
        data.push(rel);
        if (item.caption) more.push({ caption: item.caption });
      }
      if (data.length === 0) {
        without++;
        continue;
      }
      metrics.push({ key: m.key, index: Number(m.step), data, ...(more.length > 0 ? { more } : {}), create_time: timestampJson(m.timestamp) });
    }
    this.#settle(without, 'skipped');
    if (metrics.length === 0) return;
    // Files first: the server must never see a media metric whose file it lacks.
    if (!(await this.#uploadFiles(files, metrics.length, signal))) return;
    await this.#send('POST', '/house/metrics', this.#metricsBody('media', metrics), 'media', metrics.length, signal);
  }

  async #uploadFiles(files: { path: string; file: string }[], records: number, signal?: AbortSignal): Promise<boolean> {
    const unique = [...new Map(files.map((f) => [f.path, f])).values()];
    let urls: unknown;
    try {
      const res = await this.#api.call('POST', '/resources/presigned/put', { experimentId: this.#exp.cuid, paths: unique.map((f) => f.path) }, { signal });
      urls = (res.data as { urls?: unknown } | null)?.urls;
    } catch (err) {
      this.#failed(err, 'media', records);
      return false;
    }
    if (!Array.isArray(urls) || urls.length !== unique.length) {
      this.#failed(new ApiError(200, this.#api.http.endpoint('POST', '/resources/presigned/put'), `expected ${unique.length} urls, got ${JSON.stringify(urls)?.slice(0, 100)}`), 'media', records);
      return false;
    }
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < unique.length) {
        const i = next++;
        const bytes = fs.readFileSync(unique[i]!.file);
        try {
          await this.#api.put(String(urls[i]), bytes, contentTypeOf(unique[i]!.path), { signal });
          this.counts.mediaBytes += bytes.length;
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MEDIA_PARALLEL, unique.length) }, worker));
    if (failure !== undefined) {
      this.#failed(failure, 'media', records);
      return false;
    }
    return true;
  }

  async #logs(logs: LogRec[], signal?: AbortSignal): Promise<void> {
    const items = [];
    let last = this.lastEpoch;
    for (const l of logs) {
      const epoch = Number(l.epoch) + this.#epochOffset;
      this.#fileEpoch = Math.max(this.#fileEpoch, epoch);
      if (epoch <= this.lastEpoch) {
        this.#settle(1, 'skipped');
        continue;
      }
      items.push({ ...logItem(l), epoch });
      last = Math.max(last, epoch);
    }
    if (items.length > 0 && (await this.#send('POST', '/house/metrics', this.#metricsBody('log', items), 'console line', items.length, signal))) this.lastEpoch = last;
  }

  async #saves(saves: SaveRec[], signal?: AbortSignal): Promise<void> {
    for (const s of saves) {
      const body = this.#profileBody(s);
      if (body === undefined) {
        this.#settle(1, 'skipped');
        continue;
      }
      await this.#send('PUT', `${this.#projectPath}/runs/${encodeURIComponent(this.#exp.cuid)}/profile`, body, `${s.name} profile`, 1, signal, 'profiles');
    }
  }

  /** `{config}`, `{metadata}`, `{requirements}` or `{conda}` from the saved file; undefined to skip. */
  #profileBody(s: SaveRec): Record<string, unknown> | undefined {
    const field = s.type === SaveType.CONFIG ? 'config' : s.type === SaveType.METADATA ? 'metadata' : s.type === SaveType.REQUIREMENTS ? 'requirements' : s.type === SaveType.CONDA ? 'conda' : undefined;
    // User files (swanlab.save) are not uploaded by this version.
    if (field === undefined) return undefined;
    const text = readSaved(s, this.#runDir);
    if (text === undefined || text.trim() === '') return undefined;
    try {
      if (field === 'config') return { config: parseYaml(text) ?? {} };
      if (field === 'metadata') return { metadata: JSON.parse(text) };
    } catch (err) {
      this.#report(`upload: files/${path.basename(s.sourcePath)} is not valid ${field === 'config' ? 'YAML' : 'JSON'} (${(err as Error).message}); not uploaded`);
      return undefined;
    }
    return { [field]: text };
  }

  /** True (and counted as skipped) when the server already has this key's step. */
  #seen(key: string, step: bigint): boolean {
    const last = this.#lastStep.get(key);
    if (last !== undefined && Number(step) <= last) {
      this.#settle(1, 'skipped');
      this.counts.stale++;
      return true;
    }
    return false;
  }

  #metricsBody(type: 'scalar' | 'media' | 'log', metrics: unknown[]): Record<string, unknown> {
    return { type, projectId: this.#exp.projectId, experimentId: this.#exp.cuid, metrics };
  }

  /** One request; true when the server took it. Records are settled either way, unless aborted. */
  async #send(method: 'POST' | 'PUT', apiPath: string, body: unknown, what: string, records: number, signal?: AbortSignal, as: 'sent' | 'profiles' = 'sent'): Promise<boolean> {
    try {
      await this.#api.call(method, apiPath, body, { signal });
    } catch (err) {
      this.#failed(err, what, records);
      return false;
    }
    this.#settle(records, as);
    return true;
  }

  #failed(err: unknown, what: string, records: number): void {
    // Anything but an API answer is an abort (finish deadline) or a bug: not ours to swallow.
    if (!(err instanceof ApiError)) throw err;
    this.#settle(records, 'dropped');
    if (err.status === 401 || err.code === ErrorCode.AUTH) {
      this.fatal ??= err;
      this.#report(`upload stopped: ${err.message}; the run file keeps everything`);
      return;
    }
    this.#report(`upload: ${err.message}; ${records} ${what} record${records === 1 ? ' was' : 's were'} not uploaded (${what === 'run state' ? 'the server keeps its own state' : 'they stay in the run file'})`);
  }

  /** One line per distinct problem, so a server that refuses every batch does not flood stderr. */
  #report(line: string): void {
    if (this.#reported.has(line)) return;
    this.#reported.add(line);
    this.#warn(line);
  }

  #settle(n: number, how: 'sent' | 'profiles' | 'skipped' | 'dropped'): void {
    this.counts.handled += n;
    this.counts[how] += n;
  }
}

/** A saved file's text: its absolute source path if readable here, else files/<basename>. */
function readSaved(s: SaveRec, runDir: string): string | undefined {
  const candidates = [s.sourcePath, path.join(runDir, 'files', path.posix.basename(s.sourcePath.replace(/\\/g, '/')))];
  for (const c of candidates) {
    try {
      return fs.readFileSync(c, 'utf8');
    } catch {
      /* next */
    }
  }
  return undefined;
}
