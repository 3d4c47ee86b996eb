/**
 * The module-level API: init() and the functions that act on the current run. The ESM entry
 * re-exports this CommonJS build, so `import` and `require` share one current run.
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import type { Config } from './config.js';
import { generateColor, generateRunName } from './names.js';
import { resolveOptions, type InitOptions } from './options.js';
import { createRunDir } from './run-dir.js';
import { Run, type LogData } from './run.js';
import { FinishState } from '../shared/messages.js';
import path from 'node:path';
import { printWarning } from './print.js';
import { shellQuote } from '../cloud/hint.js';

let current: Run | undefined;

/**
 * Start a run and make it current. Synchronous: the run folder exists when it returns, and
 * the worker thread that writes it starts in the background.
 * @throws SwanlabError `SWANLAB_RUN_ACTIVE` when a run is alive and `reinit` is not set;
 *   `SWANLAB_INVALID_OPTION` naming a bad option.
 */
export function init(options?: InitOptions): Run {
  const o = resolveOptions(options);
  if (current !== undefined) {
    if (!o.reinit) {
      throw new SwanlabError(ErrorCode.RUN_ACTIVE, `init(): run ${current.id} is still alive; call finish() first, or pass reinit: true to finish it`);
    }
    current.finishSync(FinishState.FINISHED, '');
  }
  const startedAt = Date.now();
  let dir: string;
  let id: string;
  if (o.mode === 'disabled') {
    id = o.id ?? 'disabled';
    dir = path.join(o.logdir, `run-disabled-${id}`);
  } else {
    ({ dir, id } = createRunDir(o.logdir, o.id));
  }
  const name = o.experimentName ?? generateRunName();
  const run = new Run({
    options: o,
    id,
    name,
    dir,
    start: {
      project: o.project,
      workspace: o.workspace,
      name,
      description: o.description,
      tags: o.tags,
      color: generateColor(),
      id,
      startedAt,
    },
    onClosed: (r) => {
      if (current === r) current = undefined;
    },
  });
  current = run;
  if (o.offlineByDefault) {
    printWarning(`no SwanLab API key found, so this run is offline (${dir}). To upload runs: \`swanlab-node login\` once, then \`swanlab-node sync ${shellQuote(dir)}\`; or pass mode: "offline" to silence this line`);
  }
  return run;
}

function requireRun(what: string): Run {
  if (current === undefined) {
    throw new SwanlabError(ErrorCode.NO_RUN, `${what}: no run is alive; call swanlab.init() first`);
  }
  return current;
}

/**
 * Log metrics to the current run; see {@link Run.log}.
 * @throws SwanlabError `SWANLAB_NO_RUN` before init() or after finish().
 */
export function log(data: LogData, step?: number): void {
  // Kept tiny so V8 inlines it into the caller's loop (shape-writer.ts: the inlining budget).
  (current ?? requireRun('log()')).log(data, step);
}

/** Finish the current run; resolves when every record is written and fsynced. Resolves at once when no run is alive. */
export function finish(): Promise<void> {
  return current === undefined ? Promise.resolve() : current.finish();
}

/** The current run, or undefined. */
export function getRun(): Run | undefined {
  return current;
}

/** The current run's config (`swanlab.config.update({...})`, `swanlab.config.lr`). */
export const config: Config = new Proxy({} as Config, {
  get(_t, prop) {
    const c = requireRun('config').config;
    const v = Reflect.get(c, prop);
    return typeof v === 'function' ? v.bind(c) : v;
  },
  set(_t, prop, value) {
    return Reflect.set(requireRun('config').config, prop, value);
  },
  has(_t, prop) {
    return current !== undefined && Reflect.has(current.config, prop);
  },
  ownKeys() {
    return current === undefined ? [] : Reflect.ownKeys(current.config);
  },
  getOwnPropertyDescriptor(_t, prop) {
    return current === undefined ? undefined : Reflect.getOwnPropertyDescriptor(current.config, prop);
  },
});
