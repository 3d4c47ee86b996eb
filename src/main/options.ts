/**
 * init() options: their types, defaults, environment variables (spec 6.1, 6.2) and checks.
 * Every error names the option, the value and the rule (piscina's "options.maxThreads must be
 * a positive integer").
 */
import path from 'node:path';
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import { DEFAULT_RING_BYTES, MAX_RING_BYTES, MIN_RING_BYTES } from '../shared/layout.js';
import { describeValue } from './validate.js';
import { resolveProbeOptions, type EnvironmentOptions, type ResolvedProbeOptions } from './probe-options.js';
import { resolveOnline, type OnlineOptions } from './online-options.js';
import type { UploadInit } from '../shared/upload-messages.js';

/** Where a run's records go. */
export type Mode = 'offline' | 'local' | 'disabled' | 'online' | 'cloud';

/** Options of {@link init}. Every one is optional. */
export interface InitOptions extends OnlineOptions, EnvironmentOptions {
  /** Project name, 1-100 characters of `[0-9A-Za-z_\-+.]`. Default: the working directory's name. Env `SWANLAB_PROJECT_NAME`. */
  project?: string;
  /** Workspace (user or organisation), 1-25 characters of `[0-9A-Za-z\-_]`. Default: none. Env `SWANLAB_WORKSPACE`. */
  workspace?: string;
  /** Experiment name, 1-512 characters. Default: a generated `adjective-animal-42`. Env `SWANLAB_EXPERIMENT_NAME`. */
  experimentName?: string;
  /** Free text, at most 1024 characters. Env `SWANLAB_DESCRIPTION`. */
  description?: string;
  /** At most 30 tags of 1-512 characters. Env `SWANLAB_TAGS` (JSON array or comma list). */
  tags?: string[];
  /** Initial run config, a plain object; see {@link Config}. */
  config?: Record<string, unknown>;
  /** Folder of run folders. Default `./swanlog`. Env `SWANLAB_LOG_DIR` (legacy `SWANLAB_LOGDIR`). */
  logdir?: string;
  /**
   * `online` (alias `cloud`) writes the run folder and uploads it to SwanLab; `offline` and
   * `local` only write the run folder; `disabled` validates log() calls and writes nothing.
   * Default: `online` when an API key is available (see `apiKey`), else `offline`. Env `SWANLAB_MODE`.
   */
  mode?: Mode;
  /** Run id, 1-512 characters without `<>:"/\|?*#%` or control characters. Default: 8 random `[a-z0-9]`. Env `SWANLAB_RUN_ID`. */
  id?: string;
  /** Throw on invalid log() data instead of reporting it on stderr and dropping the value. Default `false`. */
  strict?: boolean;
  /** Finish the current run (if any) instead of failing. Default `false`. */
  reinit?: boolean;
  /** Ring buffer size in bytes, a power of two from 4 KiB to 1 GiB. Default 8 MiB. */
  ringBytes?: number;
  /** How long log() waits for room in a full ring before it throws `SWANLAB_RING_FULL`. Default 10 000 ms. */
  ringFullTimeoutMs?: number;
  /** How long an exiting process waits for the worker to write and fsync the run. Default 10 000 ms. */
  exitFlushTimeoutMs?: number;
}

/** Options after defaults and environment. */
export interface ResolvedOptions extends ResolvedProbeOptions {
  project: string;
  workspace: string;
  experimentName: string | undefined;
  description: string;
  tags: string[];
  config: Record<string, unknown>;
  logdir: string;
  mode: 'offline' | 'local' | 'disabled' | 'online';
  /** Online runs: where and how the worker uploads. */
  upload: UploadInit | undefined;
  /** No mode was given and no key found: init() says how to log in and sync. */
  offlineByDefault: boolean;
  finishTimeoutMs: number;
  id: string | undefined;
  strict: boolean;
  reinit: boolean;
  ringBytes: number;
  ringFullTimeoutMs: number;
  exitFlushTimeoutMs: number;
}

const KNOWN = new Set([
  'project', 'workspace', 'experimentName', 'description', 'tags', 'config', 'logdir', 'mode', 'id',
  'strict', 'reinit', 'ringBytes', 'ringFullTimeoutMs', 'exitFlushTimeoutMs',
  'probe', 'console', 'consoleMaxLength',
  'apiKey', 'apiHost', 'webHost', 'resume', 'finishTimeoutMs',
]);
const ALIASES: Record<string, string> = {
  name: 'experimentName', experiment_name: 'experimentName', logDir: 'logdir', log_dir: 'logdir',
  notes: 'description', runId: 'id',
  api_key: 'apiKey', key: 'apiKey', host: 'apiHost', api_host: 'apiHost', web_host: 'webHost', finishTimeout: 'finishTimeoutMs',
};
const PROJECT_RE = /^[0-9A-Za-z_\-+.]{1,100}$/;
const WORKSPACE_RE = /^[0-9A-Za-z\-_]{1,25}$/;
// eslint-disable-next-line no-control-regex
const ID_RE = /^[^<>:"/\\|?*#%\x00-\x1f\x7f]{1,512}$/;

function bad(option: string, value: unknown, rule: string): SwanlabError {
  return new SwanlabError(ErrorCode.INVALID_OPTION, `init(): option ${option} ${rule}, got ${describeValue(value)}`);
}

function env(name: string, ...legacy: string[]): string | undefined {
  for (const n of [name, ...legacy]) {
    let v = process.env[n];
    if (v === undefined || v === '') continue;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    return v;
  }
  return undefined;
}

function str(opts: InitOptions, key: keyof InitOptions, envValue: string | undefined, min: number, max: number): string | undefined {
  const v = opts[key] ?? envValue;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(key, v, 'must be a string');
  if (v.length < min || v.length > max) throw bad(key, v, `must be ${min}-${max} characters long`);
  return v;
}

function int(opts: InitOptions, key: keyof InitOptions, def: number, min: number, max: number): number {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(key, v, `must be an integer from ${min} to ${max}`);
  return v;
}

function bool(opts: InitOptions, key: keyof InitOptions): boolean {
  const v = opts[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw bad(key, v, 'must be a boolean');
  return v;
}

function parseTags(opts: InitOptions): string[] {
  let tags: unknown = opts.tags;
  if (tags === undefined) {
    const e = env('SWANLAB_TAGS');
    if (e === undefined) return [];
    try {
      tags = e.trim().startsWith('[') ? JSON.parse(e) : e.split(',').map((t) => t.trim()).filter(Boolean);
    } catch {
      throw bad('tags', e, '(from SWANLAB_TAGS) must be a JSON array or a comma-separated list');
    }
  }
  if (!Array.isArray(tags)) throw bad('tags', tags, 'must be an array of strings');
  if (tags.length > 30) throw bad('tags', tags, 'must hold at most 30 tags');
  for (const t of tags) {
    if (typeof t !== 'string' || t.length < 1 || t.length > 512) throw bad('tags', t, 'must hold strings of 1-512 characters');
  }
  return [...(tags as string[])];
}

/** Resolve init() options against defaults and the environment; throws on the first bad one. */
export function resolveOptions(options: InitOptions | undefined): ResolvedOptions {
  const opts: InitOptions = options ?? {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw bad('(options)', opts, 'must be an object');
  for (const key of Object.keys(opts)) {
    if (KNOWN.has(key)) continue;
    const hint = ALIASES[key] ? `; did you mean ${ALIASES[key]}?` : '';
    throw new SwanlabError(ErrorCode.INVALID_OPTION, `init(): unknown option ${key}${hint}`);
  }

  const rawMode = opts.mode ?? env('SWANLAB_MODE');
  if (rawMode !== undefined && rawMode !== 'online' && rawMode !== 'cloud' && rawMode !== 'offline' && rawMode !== 'local' && rawMode !== 'disabled') {
    throw bad('mode', rawMode, 'must be one of "offline", "local", "disabled", "online", "cloud"');
  }

  let project = str(opts, 'project', env('SWANLAB_PROJECT_NAME', 'SWANLAB_PROJ_NAME'), 1, 100);
  if (project === undefined) {
    project = path.basename(process.cwd()).replace(/[^0-9A-Za-z_\-+.]/g, '_').slice(0, 100) || 'swanlab-node';
  } else if (!PROJECT_RE.test(project)) throw bad('project', project, 'must be 1-100 characters of [0-9A-Za-z_-+.]');

  const workspace = str(opts, 'workspace', env('SWANLAB_WORKSPACE'), 1, 25);
  if (workspace !== undefined && !WORKSPACE_RE.test(workspace)) throw bad('workspace', workspace, 'must be 1-25 characters of [0-9A-Za-z-_]');

  const id = str(opts, 'id', env('SWANLAB_RUN_ID'), 1, 512);
  if (id !== undefined && !ID_RE.test(id)) throw bad('id', id, 'must not contain <>:"/\\|?*#% or control characters');

  const online = resolveOnline(opts, rawMode, id);

  const config = opts.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw bad('config', config, 'must be a plain object');

  const logdirRaw = opts.logdir ?? env('SWANLAB_LOG_DIR', 'SWANLAB_LOGDIR') ?? 'swanlog';
  if (typeof logdirRaw !== 'string' || logdirRaw === '') throw bad('logdir', logdirRaw, 'must be a non-empty string');

  const ringBytes = int(opts, 'ringBytes', DEFAULT_RING_BYTES, MIN_RING_BYTES, MAX_RING_BYTES);
  if ((ringBytes & (ringBytes - 1)) !== 0) throw bad('ringBytes', ringBytes, 'must be a power of two');

  return {
    project,
    workspace: workspace ?? '',
    experimentName: str(opts, 'experimentName', env('SWANLAB_EXPERIMENT_NAME', 'SWANLAB_EXP_NAME'), 1, 512),
    description: str(opts, 'description', env('SWANLAB_DESCRIPTION'), 0, 1024) ?? '',
    tags: parseTags(opts),
    config: config as Record<string, unknown>,
    logdir: path.resolve(logdirRaw),
    mode: online.mode,
    upload: online.upload,
    offlineByDefault: online.offlineByDefault,
    finishTimeoutMs: online.upload?.finishTimeoutMs ?? opts.finishTimeoutMs ?? 30_000,
    id,
    strict: bool(opts, 'strict'),
    reinit: bool(opts, 'reinit'),
    ringBytes,
    ringFullTimeoutMs: int(opts, 'ringFullTimeoutMs', 10_000, 0, 3_600_000),
    exitFlushTimeoutMs: int(opts, 'exitFlushTimeoutMs', 10_000, 0, 3_600_000),
    ...resolveProbeOptions(opts, { env, bad }),
  };
}
