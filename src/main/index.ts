/**
 * swanlab-node: a SwanLab-compatible experiment logger for Node.js training loops.
 *
 * ```ts
 * import * as swanlab from 'swanlab-node';
 * const run = swanlab.init({ project: 'mnist', config: { lr: 0.01 } });
 * for (let i = 0; i < n; i++) swanlab.log({ 'train/loss': loss, 'train/acc': acc });
 * await swanlab.finish();
 * ```
 * @packageDocumentation
 */
export { init, log, finish, getRun, config } from './api.js';
export { Run } from './run.js';
export type { LogData, LogValue } from './run.js';
export type { InitOptions, Mode } from './options.js';
export type { Config } from './config.js';
export { ErrorCode, SwanlabError } from '../shared/errors.js';
export { readRun } from '../format/reader.js';
export type { RunReader, RunRecord } from '../format/reader.js';
export { VERSION } from './version.js';
