// The encoding pool's pieces, without a run: pixel conversion and SwanLab's resize rules,
// PNG decoding of the forms other tools write (16-bit, palette, 1-bit gray), and the pool size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePng, fromEncoded } from '../src/worker/media/image-codec.js';
import { poolThreads } from '../src/worker/media/media-writer.js';
import { resize, targetSize, toU8 } from '../src/worker/media/pixels.js';

test('toU8: bytes pass through; floats in 0..1 are scaled by 255; other values rounded and clipped; NaN is 0', () => {
  const u8 = Uint8Array.from([0, 7, 255]);
  assert.equal(toU8(u8, 'u8').buffer, u8.buffer);
  assert.deepEqual([...toU8(Float32Array.from([0, 0.5, 1]), 'f32')], [0, 128, 255]);
  assert.deepEqual([...toU8(Float64Array.from([-3, 1.4, 2, 300, NaN]), 'f64')], [0, 1, 2, 255, 0]);
  // Integers are never scaled: a 0/1 mask stays 0/1.
  assert.deepEqual([...toU8(Int32Array.from([0, 1, 256, -1]), 'i32')], [0, 1, 255, 0]);
});

test("targetSize: SwanLab's size rules (a max side only shrinks; one side keeps the aspect ratio, floored)", () => {
  assert.deepEqual(targetSize(400, 200, { maxSide: 100 }), { width: 100, height: 50 });
  assert.deepEqual(targetSize(40, 20, { maxSide: 100 }), { width: 40, height: 20 });
  assert.deepEqual(targetSize(400, 200, { width: 30, height: 7 }), { width: 30, height: 7 });
  assert.deepEqual(targetSize(300, 200, { width: 100 }), { width: 100, height: 66 });
  assert.deepEqual(targetSize(300, 200, { height: 100 }), { width: 150, height: 100 });
  assert.deepEqual(targetSize(1000, 1, { maxSide: 10 }), { width: 10, height: 1 });
});

test('resize keeps flat colours, averages when shrinking, and interpolates when enlarging', () => {
  const flat = { data: new Uint8Array(10 * 10 * 3).fill(77), width: 10, height: 10, channels: 3 };
  assert.ok(resize(flat, 3, 7).data.every((v) => v === 77));
  assert.ok(resize(flat, 25, 13).data.every((v) => v === 77));
  // A 1-pixel checkerboard shrunk by 2 is mid-grey inside (the filter is cut at the borders).
  const checker = { data: Uint8Array.from({ length: 64 }, (_, i) => ((i % 8) + (i >> 3)) % 2 ? 255 : 0), width: 8, height: 8, channels: 1 };
  const small = resize(checker, 4, 4).data;
  for (const i of [5, 6, 9, 10]) assert.ok(Math.abs(small[i]! - 128) <= 1, `${i}: ${small[i]}`);
  const ramp = { data: Uint8Array.from([0, 100]), width: 2, height: 1, channels: 1 };
  const up = [...resize(ramp, 4, 1).data];
  assert.deepEqual(up, [...up].sort((a, b) => a - b), 'monotone');
  assert.ok(up[0]! <= 25 && up[3]! >= 75);
});

test('PNG input of 16 bits, with a palette, or of 1-bit gray decodes to 8-bit pixels', async () => {
  const { encode } = await import('fast-png');
  const wide = await decodePng(encode({ width: 2, height: 1, depth: 16, channels: 1, data: Uint16Array.from([0x1234, 0xff00]) }));
  assert.deepEqual([...wide.data], [0x12, 0xff]);
  const palette = await decodePng(encode({ width: 2, height: 1, depth: 8, channels: 1, data: Uint8Array.from([1, 0]), palette: [[10, 20, 30], [40, 50, 60]] }));
  assert.deepEqual([palette.channels, ...palette.data], [3, 40, 50, 60, 10, 20, 30]);
  const bits = await decodePng(encode({ width: 3, height: 2, depth: 1, channels: 1, data: Uint8Array.from([0b10100000, 0b01000000]) }));
  assert.deepEqual([...bits.data], [255, 0, 255, 0, 255, 0]);
  // Resizing asks for a decode; GIF cannot be decoded here and says so.
  const thumb = await fromEncoded(encode({ width: 4, height: 2, channels: 3, data: new Uint8Array(24).fill(5) }), 'png', { maxSide: 2 });
  assert.equal(thumb.ext, 'png');
  await assert.rejects(fromEncoded(new Uint8Array(8), 'gif', { maxSide: 2 }), /GIF images cannot be converted or resized/);
});

test('the pool is half the cores, at least 1 and at most 4', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 16, 64].map((n) => poolThreads(n)), [1, 1, 1, 2, 4, 4, 4]);
});
