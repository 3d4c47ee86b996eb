/**
 * The base of the media classes log() accepts (SwanLab's `BaseType`). A media object holds a
 * checked reference to the user's data, never an encoding of it: log() copies the bytes once
 * (into the ring, or into a buffer it transfers), and the worker's pool does the rest.
 */
import { ErrorCode, withCode } from '../../shared/errors.js';
import type { MediaClass, MediaSource } from '../../shared/media.js';
import { describeValue } from '../validate.js';

/** @internal Key of the method log() reads a media object's data through. */
export const HANDOVER: unique symbol = Symbol('swanlab-node.media.handover');

/** @internal What log() copies for one item: the recipe and the byte views it applies to. */
export interface Handover {
  cls: MediaClass;
  src: MediaSource;
  /** Byte views, copied one after another (an audio's two channels are two parts); none for a path. */
  parts: readonly ArrayBufferView[];
  /** Set while the data is still coming (a tensor's async `data()`): the final recipe and parts. */
  pending?: Promise<{ src: MediaSource; parts: readonly ArrayBufferView[] }>;
}

/** Display names of the classes, for messages. */
export const CLASS_NAMES: Record<MediaClass, string> = {
  image: 'Image',
  audio: 'Audio',
  text: 'Text',
  echarts: 'ECharts',
  object3d: 'Object3D',
  html: 'Html',
  video: 'Video',
};

/**
 * A media value for log(): {@link Image}, {@link Audio}, {@link Text}, {@link ECharts},
 * {@link Object3D}, {@link Html} or {@link Video}. A list of one class under one key is one
 * record of up to 108 items.
 */
export abstract class Media {
  /** Shown with the item in SwanLab; undefined when none. */
  readonly caption: string | undefined;
  readonly #handover: Handover;

  /** @internal */
  protected constructor(handover: Handover, caption: string | undefined) {
    this.#handover = handover;
    this.caption = caption;
  }

  /** @internal */
  [HANDOVER](): Handover {
    return this.#handover;
  }
}

/** The error a media constructor throws: a TypeError with code `SWANLAB_INVALID_MEDIA`. */
export function mediaError(cls: MediaClass, message: string, Kind: typeof TypeError | typeof RangeError = TypeError): Error {
  return withCode(new Kind(`${CLASS_NAMES[cls]}: ${message}`), ErrorCode.INVALID_MEDIA);
}

/** Check a caption option: a string or absent. */
export function checkCaption(cls: MediaClass, caption: unknown): string | undefined {
  if (caption === undefined || caption === null) return undefined;
  if (typeof caption !== 'string') throw mediaError(cls, `caption must be a string, got ${describeValue(caption)}`);
  return caption;
}

/** Check an options argument: a plain object or absent. */
export function checkOptions<T extends object>(cls: MediaClass, options: T | undefined): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw mediaError(cls, `options must be an object, got ${describeValue(options)}`);
  return options;
}

/** Check a positive safe integer option (a size, a rate). */
export function checkPositiveInt(cls: MediaClass, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw mediaError(cls, `${name} must be a positive integer, got ${describeValue(value)}`, typeof value === 'number' ? RangeError : TypeError);
  }
  return value;
}
