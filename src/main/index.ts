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
import * as api from './api.js';
import { readRun as readRunFile } from '../format/reader.js';

// Plain data properties, not re-export getters: `swanlab.log(...)` through a CommonJS
// require() is a property load, where TypeScript's `export { log } from` would compile to an
// accessor costing ~13 ns a call (bench "swanlab.log" against "run.log").

/** Start a run and make it current; synchronous. Throws `SWANLAB_RUN_ACTIVE` or `SWANLAB_INVALID_OPTION`. */
export const init: typeof api.init = api.init;
/** Log metrics to the current run: `log({ loss, acc })`, or `log(data, step)`. Throws `SWANLAB_NO_RUN` before init(). */
export const log: typeof api.log = api.log;
/** Finish the current run; resolves when every record is written and fsynced. */
export const finish: typeof api.finish = api.finish;
/** The current run, or undefined. */
export const getRun: typeof api.getRun = api.getRun;
/** The current run's config: `config.update({...})`, `config.lr`. */
export const config: typeof api.config = api.config;
/** Read a run folder or `.swanlab` file back; see {@link RunReader}. */
export const readRun: typeof readRunFile = readRunFile;
export { Run } from './run.js';
// Media classes for log() values (spec 3): each converts and hashes in the worker, never here.
/** An image: encoded bytes, a path, pixels with width and height, nested arrays or a tensor. */
export { Image } from './media/image.js';
/** Audio samples or a .wav path, stored as 16-bit WAV. */
export { Audio } from './media/audio.js';
/** A string stored as .txt. */
export { Text } from './media/text.js';
/** An HTML string or path, stored as .html. */
export { Html } from './media/text.js';
/** An ECharts option object, stored as JSON. */
export { ECharts } from './media/echarts.js';
/** A point cloud (N×3/4/6, optional boxes) or a .glb path. */
export { Object3D } from './media/object3d.js';
/** A GIF (bytes or path); SwanLab files it with images. */
export { Video } from './media/video.js';
/** The base class of the media classes (SwanLab's BaseType). */
export { Media } from './media/media.js';
export type { ImageInput, ImageOptions, PixelArray, TensorLike } from './media/image.js';
export type { AudioInput, AudioOptions, SampleArray } from './media/audio.js';
export type { TextOptions } from './media/text.js';
export type { EChartsInput } from './media/echarts.js';
export type { Box3DInput, Object3DInput, Object3DOptions } from './media/object3d.js';
export type { LogData, LogValue } from './run.js';
export type { InitOptions, Mode } from './options.js';
export type { Config } from './config.js';
/** A `tf.Callback` for TensorFlow.js `model.fit()` that logs its metrics: `callbacks: swanlab.tfjsCallback(tf)`. */
export { tfjsCallback } from './integrations/tfjs.js';
export type { TfjsCallbackOptions } from './integrations/tfjs.js';
export { ErrorCode, SwanlabError } from '../shared/errors.js';
export type { RunReader, RunRecord } from '../format/reader.js';
export { VERSION } from './version.js';
