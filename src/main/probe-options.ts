/**
 * init() options of the automatic environment recording (spec 4.1-4.4, 6.2): the probes of the
 * metadata snapshot and the hardware monitor (`probe`, env `SWANLAB_PROBE_*`), and console
 * capture (`console`, `consoleMaxLength`, env `SWANLAB_TERMINAL_*`), with SwanLab's names
 * for the environment variables.
 */
import type { SwanlabError } from '../shared/errors.js';
import type { ProbeSwitches } from '../shared/environment-messages.js';
import type { ConsoleCaptureMode } from './console-capture.js';

/** What init() records of the environment by itself; every part is on unless switched off. */
export interface ProbeOptions {
  /** CPU, memory, accelerators in files/swanlab-metadata.json. Env `SWANLAB_PROBE_HARDWARE`. */
  hardware?: boolean;
  /** OS, host, pid, working directory, Node and the command line (secrets masked). Env `SWANLAB_PROBE_RUNTIME`. */
  runtime?: boolean;
  /** files/requirements.txt from the project's node_modules. Env `SWANLAB_PROBE_REQUIREMENTS`. */
  requirements?: boolean;
  /** Remote URL, branch and commit. Env `SWANLAB_PROBE_GIT`. */
  git?: boolean;
  /** swanlab-node's version and the run folder. Env `SWANLAB_PROBE_SWANLAB`. */
  swanlab?: boolean;
  /** The hardware monitor (`__swanlab__.*` system charts). Env `SWANLAB_PROBE_MONITOR`. */
  monitor?: boolean;
  /**
   * Monitor period in ms, at least 1000. Default 10 000. Env `SWANLAB_PROBE_MONITOR_INTERVAL`,
   * in seconds as in SwanLab.
   */
  monitorIntervalMs?: number;
}

/** The resolved environment options. */
export interface ResolvedProbeOptions {
  probe: ProbeSwitches & { monitorIntervalMs: number };
  console: ConsoleCaptureMode;
  consoleMaxLength: number;
}

/** The init() options of this file (part of InitOptions). */
export interface EnvironmentOptions {
  /** What is recorded of the environment; every part is on by default. See {@link ProbeOptions}. */
  probe?: ProbeOptions;
  /**
   * Which console output is recorded, one LogRecord per line: `all` (default), `stdout`,
   * `stderr` or `none`. Env `SWANLAB_TERMINAL_PROXY_TYPE`.
   */
  console?: ConsoleCaptureMode;
  /** Console lines longer than this many characters are cut: 500-4096, default 1024. Env `SWANLAB_TERMINAL_MAX_LENGTH`. */
  consoleMaxLength?: number;
}

/** options.ts's helpers, passed in so the two files do not import each other. */
export interface OptionHelpers {
  /** An environment variable, paired quotes stripped; undefined when unset or empty. */
  env(name: string): string | undefined;
  /** The error for a bad option. */
  bad(option: string, value: unknown, rule: string): SwanlabError;
}

const SWITCHES = ['hardware', 'runtime', 'requirements', 'git', 'swanlab', 'monitor'] as const;
const CAPTURE_MODES: readonly string[] = ['all', 'stdout', 'stderr', 'none'];
const DEFAULT_MONITOR_INTERVAL_MS = 10_000;
const MIN_MONITOR_INTERVAL_MS = 1_000;
const MAX_MONITOR_INTERVAL_MS = 24 * 3_600_000;

/** Resolve `probe`, `console` and `consoleMaxLength` against defaults and the environment. */
export function resolveProbeOptions(opts: EnvironmentOptions, { env, bad }: OptionHelpers): ResolvedProbeOptions {
  const probe = opts.probe ?? {};
  if (typeof probe !== 'object' || probe === null || Array.isArray(probe)) throw bad('probe', probe, 'must be an object');
  for (const key of Object.keys(probe)) {
    if (!(SWITCHES as readonly string[]).includes(key) && key !== 'monitorIntervalMs') {
      throw bad(`probe.${key}`, (probe as Record<string, unknown>)[key], `is not a probe option (${[...SWITCHES, 'monitorIntervalMs'].join(', ')})`);
    }
  }
  const on = {} as Record<(typeof SWITCHES)[number], boolean>;
  for (const key of SWITCHES) {
    const v = probe[key];
    if (v !== undefined) {
      if (typeof v !== 'boolean') throw bad(`probe.${key}`, v, 'must be a boolean');
      on[key] = v;
      continue;
    }
    const name = `SWANLAB_PROBE_${key.toUpperCase()}`;
    const e = env(name);
    on[key] = e === undefined ? true : envBool(e, () => bad(`probe.${key}`, e, `(from ${name}) must be true or false`));
  }

  let interval: unknown = probe.monitorIntervalMs;
  if (interval === undefined) {
    const e = env('SWANLAB_PROBE_MONITOR_INTERVAL');
    interval = e === undefined ? DEFAULT_MONITOR_INTERVAL_MS : Number(e) * 1000;
    if (e !== undefined && !(typeof interval === 'number' && interval >= MIN_MONITOR_INTERVAL_MS && interval <= MAX_MONITOR_INTERVAL_MS)) {
      throw bad('probe.monitorIntervalMs', e, '(from SWANLAB_PROBE_MONITOR_INTERVAL, in seconds) must be a number of seconds from 1 to 86400');
    }
    interval = Math.round(interval as number);
  }
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < MIN_MONITOR_INTERVAL_MS || interval > MAX_MONITOR_INTERVAL_MS) {
    throw bad('probe.monitorIntervalMs', interval, `must be an integer from ${MIN_MONITOR_INTERVAL_MS} to ${MAX_MONITOR_INTERVAL_MS}`);
  }

  const capture = opts.console ?? env('SWANLAB_TERMINAL_PROXY_TYPE') ?? 'all';
  if (typeof capture !== 'string' || !CAPTURE_MODES.includes(capture)) {
    throw bad('console', capture, `${opts.console === undefined ? '(from SWANLAB_TERMINAL_PROXY_TYPE) ' : ''}must be one of "all", "stdout", "stderr", "none"`);
  }

  let maxLength: unknown = opts.consoleMaxLength;
  if (maxLength === undefined) {
    const e = env('SWANLAB_TERMINAL_MAX_LENGTH');
    maxLength = e === undefined ? 1024 : Number(e);
  }
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 500 || maxLength > 4096) {
    throw bad('consoleMaxLength', maxLength, `${opts.consoleMaxLength === undefined ? '(from SWANLAB_TERMINAL_MAX_LENGTH) ' : ''}must be an integer from 500 to 4096`);
  }

  const { monitor, ...parts } = on;
  return {
    probe: { ...parts, monitorIntervalMs: monitor ? interval : 0 },
    console: capture as ConsoleCaptureMode,
    consoleMaxLength: maxLength,
  };
}

/** SwanLab's boolean spellings: true/false, 1/0, yes/no, on/off (any case). */
function envBool(value: string, fail: () => Error): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
  throw fail();
}
