/**
 * Samples to a 16-bit PCM WAV file, as SwanLab's `soundfile.write(..., format="wav")`
 * writes by default (subtype PCM_16): floats clipped to -1..1 and scaled by 32767, Int16
 * as they are, Int32 keeping their top 16 bits.
 */
import { viewAs, type NumType } from '../../shared/media.js';

/** Bytes of the canonical RIFF/WAVE header with one `fmt ` and one `data` chunk. */
export const WAV_HEADER_BYTES = 44;

/** Encode `bytes` (samples of `dtype`, channel after channel when `planar`) as a WAV file. */
export function encodeWav(bytes: Uint8Array, dtype: NumType, channels: number, planar: boolean, sampleRate: number): Uint8Array {
  const samples = viewAs(dtype, bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = samples.length / channels;
  const dataBytes = frames * channels * 2;
  const out = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  const v = new DataView(out.buffer);
  ascii(out, 0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(out, 8, 'WAVE');
  ascii(out, 12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  ascii(out, 36, 'data');
  v.setUint32(40, dataBytes, true);
  const pcm = new Int16Array(out.buffer, WAV_HEADER_BYTES, frames * channels);
  const convert = converter(dtype);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      pcm[f * channels + c] = convert(samples[planar ? c * frames + f : f * channels + c]!);
    }
  }
  return out;
}

function converter(dtype: NumType): (x: number) => number {
  switch (dtype) {
    case 'i16':
      return (x) => x;
    case 'i32':
      return (x) => x >> 16;
    default:
      return (x) => (x >= 1 ? 32767 : x <= -1 ? -32767 : x === x ? Math.round(x * 32767) : 0);
  }
}

function ascii(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}
