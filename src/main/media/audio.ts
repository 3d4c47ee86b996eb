/**
 * `Audio`: samples (mono, planar `[2][n]`, or interleaved with `channels`) or a `.wav` path,
 * stored as 16-bit PCM WAV as SwanLab's soundfile default does (spec 3). The WAV is written
 * by the worker's pool; the constructor only checks the input.
 */
import path from 'node:path';
import { NUM_TYPE_BYTES, numTypeOf, type NumType } from '../../shared/media.js';
import { describeValue } from '../validate.js';
import { flattenNested, isArrayLike } from './arrays.js';
import { HANDOVER, Media, checkCaption, checkOptions, checkPositiveInt, mediaError, type Handover } from './media.js';

/** Options of {@link Audio}. */
export interface AudioOptions {
  /** Shown with the audio in SwanLab. */
  caption?: string;
  /** Samples per second. Default 44100. */
  sampleRate?: number;
  /** Channels of an interleaved typed array: 1 (default) or 2. */
  channels?: number;
}

/** Typed arrays accepted as samples (SwanLab accepts these four dtypes). */
export type SampleArray = Float32Array | Float64Array | Int16Array | Int32Array;

/** What {@link Audio} accepts. */
export type AudioInput = Audio | string | SampleArray | readonly number[] | readonly (SampleArray | readonly number[])[];

const CLS = 'audio' as const;
const SAMPLE_TYPES: readonly NumType[] = ['f32', 'f64', 'i16', 'i32'];

/**
 * Audio for log(), stored under `media/audio/` as a 16-bit PCM WAV file.
 *
 * ```ts
 * new Audio(float32, { sampleRate: 16000 });          // mono, floats in -1..1
 * new Audio([left, right], { sampleRate: 44100 });     // stereo, one array per channel
 * new Audio(interleaved, { channels: 2 });             // stereo, L R L R …
 * new Audio('take1.wav');                               // stored as it is
 * ```
 * Floats are clipped to -1..1; Int32 samples keep their top 16 bits.
 * @throws TypeError / RangeError with code `SWANLAB_INVALID_MEDIA` naming what is wrong.
 */
export class Audio extends Media {
  /** Samples per second. */
  readonly sampleRate: number;

  constructor(data: AudioInput, options?: AudioOptions) {
    const o = checkOptions(CLS, options);
    if (data instanceof Audio) {
      super(data[HANDOVER](), checkCaption(CLS, o.caption) ?? data.caption);
      this.sampleRate = data.sampleRate;
      return;
    }
    const sampleRate = o.sampleRate === undefined ? 44100 : checkPositiveInt(CLS, 'sampleRate', o.sampleRate);
    super(audioHandover(data, o, sampleRate), checkCaption(CLS, o.caption));
    this.sampleRate = sampleRate;
  }
}

function audioHandover(data: unknown, o: Partial<AudioOptions>, sampleRate: number): Handover {
  if (typeof data === 'string') {
    if (!/\.wav$/i.test(data)) throw mediaError(CLS, `a path must name a .wav file, got ${JSON.stringify(data)}`);
    return { cls: CLS, src: { t: 'path', path: path.resolve(data), as: 'wav' }, parts: [] };
  }
  if (ArrayBuffer.isView(data)) {
    const dtype = sampleType(data);
    const channels = o.channels === undefined ? 1 : checkPositiveInt(CLS, 'channels', o.channels);
    if (channels > 2) throw mediaError(CLS, `channels must be 1 or 2, got ${channels}`, RangeError);
    const n = data.byteLength / NUM_TYPE_BYTES[dtype];
    if (n === 0) throw mediaError(CLS, 'no samples', RangeError);
    if (n % channels !== 0) throw mediaError(CLS, `${n} interleaved samples do not divide into ${channels} channels`, RangeError);
    return { cls: CLS, src: { t: 'samples', dtype, channels, planar: false, sampleRate }, parts: [data] };
  }
  if (isArrayLike(data)) {
    if (data.length === 0) throw mediaError(CLS, 'no samples', RangeError);
    if (typeof data[0] === 'number') return planar([data as ArrayLike<unknown>], sampleRate);
    if (data.length > 2) throw mediaError(CLS, `${data.length} channels given; SwanLab takes 1 or 2 ([channels][samples])`, RangeError);
    return planar(Array.from(data), sampleRate);
  }
  throw mediaError(CLS, `unsupported input ${describeValue(data)}; pass a Float32Array, Float64Array, Int16Array or Int32Array of samples, [left, right] channel arrays, or a .wav path`);
}

/** One or two channel arrays: kept as they are when they share a sample type, else copied to Float32. */
function planar(rows: unknown[], sampleRate: number): Handover {
  const channels = rows.length;
  const first = rows[0];
  if (rows.every((r) => ArrayBuffer.isView(r)) && rows.every((r) => numTypeOf(r as ArrayBufferView) === numTypeOf(first as ArrayBufferView))) {
    const dtype = sampleType(first as ArrayBufferView);
    const lens = rows.map((r) => (r as Int16Array).length);
    if (lens[0] === 0) throw mediaError(CLS, 'no samples', RangeError);
    if (lens.some((n) => n !== lens[0])) throw mediaError(CLS, `the channels have different lengths (${lens.join(', ')})`, RangeError);
    return { cls: CLS, src: { t: 'samples', dtype, channels, planar: true, sampleRate }, parts: rows as ArrayBufferView[] };
  }
  const flat = flattenNested(rows, 2, Float32Array);
  if (typeof flat === 'string') throw mediaError(CLS, `samples must be numbers, one array per channel: ${flat}`);
  return { cls: CLS, src: { t: 'samples', dtype: 'f32', channels, planar: true, sampleRate }, parts: [flat.data] };
}

function sampleType(a: ArrayBufferView): NumType {
  const dtype = numTypeOf(a);
  if (dtype === undefined || !SAMPLE_TYPES.includes(dtype)) {
    throw mediaError(CLS, `samples must be a Float32Array, Float64Array, Int16Array or Int32Array (SwanLab's dtypes), got ${describeValue(a)}`);
  }
  return dtype;
}
