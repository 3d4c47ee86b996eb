/**
 * The run's environment snapshot (spec 4.1): files/swanlab-metadata.json with its SaveRecord
 * (num -4), then files/requirements.txt with its SaveRecord (num -5). Taken in the worker after
 * its first drain, so neither init() nor the first log() waits for it; each probe has a
 * timeout and fails soft to `null`. A run that finishes first waits for it a bounded time
 * (`finishWaitMs`), and whatever is still missing then is left out.
 */
import { RecordNum, SaveType } from '../../format/index.js';
import type { EnvironmentInit } from '../../shared/environment-messages.js';
import type { RunFile } from '../run-file.js';
import { collectGit, type GitInfo } from './git.js';
import { collectHardware, type HardwareInfo } from './hardware.js';
import { collectRequirements } from './requirements.js';
import { collectRuntime, type RuntimeInfo } from './runtime.js';
import { debug, soft, withTimeout } from './soft.js';

/** Bound of one probe (a command, a systeminformation call). SwanLab allows git 5 s; 3 s is plenty. */
const PROBE_TIMEOUT_MS = 3_000;
/** Bound of the node_modules walk: ~1 ms per 10 packages here, so large monorepos fit. */
const REQUIREMENTS_TIMEOUT_MS = 10_000;

/** files/swanlab-metadata.json: `_version` 2 and the four parts, null when switched off or failed. */
export interface Metadata {
  _version: 2;
  hardware: HardwareInfo | null;
  runtime: RuntimeInfo | null;
  git: GitInfo | null;
  swanlab: { version: string; run_dir: string } | null;
}

/** Collect the metadata document for `env` (the parts switched off stay null). */
export async function collectMetadata(env: EnvironmentInit, runDir: string): Promise<Metadata> {
  const p = env.probe;
  // A part runs at most two probes one after the other (nvidia-smi, then the CUDA version).
  const partMs = PROBE_TIMEOUT_MS * 2 + 500;
  const [hardware, runtime, git] = await Promise.all([
    p.hardware ? soft('hardware', partMs, () => collectHardware(PROBE_TIMEOUT_MS)) : null,
    p.runtime ? soft('runtime', partMs, () => collectRuntime(env.command, env.cwd, PROBE_TIMEOUT_MS)) : null,
    p.git ? soft('git', partMs, () => collectGit(env.cwd, PROBE_TIMEOUT_MS)) : null,
  ]);
  return { _version: 2, hardware, runtime, git, swanlab: p.swanlab ? { version: env.sdkVersion, run_dir: runDir } : null };
}

/** Takes the snapshot once and writes it into the run. */
export class EnvironmentProbe {
  readonly #file: RunFile;
  readonly #env: EnvironmentInit;
  /** Set by start(): settles when everything collected is written. */
  #done: Promise<void> | undefined;
  /** The run is finishing: results arriving from now on are dropped. */
  #closed = false;

  constructor(file: RunFile, env: EnvironmentInit) {
    this.#file = file;
    this.#env = env;
  }

  /**
   * Start collecting (once); files and records are written as each part is ready, metadata
   * first. Resolves when everything collected is written (never rejects).
   */
  start(): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    const p = this.#env.probe;
    const wantMetadata = p.hardware || p.runtime || p.git || p.swanlab;
    const metadata = wantMetadata ? collectMetadata(this.#env, this.#file.dir) : undefined;
    const requirements = p.requirements ? soft('requirements', REQUIREMENTS_TIMEOUT_MS, () => collectRequirements(this.#env.cwd)) : undefined;
    this.#done = (async () => {
      if (metadata) this.#write('swanlab-metadata.json', 'metadata', RecordNum.METADATA, SaveType.METADATA, JSON.stringify(await metadata));
      const lines = await requirements;
      if (lines) this.#write('requirements.txt', 'requirements', RecordNum.REQUIREMENTS, SaveType.REQUIREMENTS, lines.map((l) => `${l}\n`).join(''));
    })().catch((err: unknown) => debug('environment snapshot failed: %s', err instanceof Error ? err.stack : String(err)));
    return this.#done;
  }

  /** The run is finishing: wait at most `ms` for what is still being collected, then stop writing. */
  async settle(ms: number): Promise<void> {
    try {
      await withTimeout(this.#done ?? Promise.resolve(), ms, 'the environment snapshot');
    } catch (err) {
      debug('%s of finish; the rest is left out', (err as Error).message);
    } finally {
      this.#closed = true;
    }
  }

  #write(fileName: string, name: string, num: number, type: SaveType, text: string): void {
    if (this.#closed) return;
    this.#file.writeFile(fileName, text, { num, name, type }, Date.now());
    this.#file.flush();
  }
}
