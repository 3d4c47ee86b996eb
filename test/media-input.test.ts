// The media constructors on the user's thread: every accepted input form becomes the recipe
// the worker's pool follows (no encoding here), and every bad input throws a TypeError or
// RangeError with code SWANLAB_INVALID_MEDIA naming the class and the problem. Magic-byte
// detection is checked byte by byte.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Audio } from '../src/main/media/audio.js';
import { ECharts } from '../src/main/media/echarts.js';
import { Image } from '../src/main/media/image.js';
import { HANDOVER, type Handover, type Media } from '../src/main/media/media.js';
import { Object3D } from '../src/main/media/object3d.js';
import { Html, Text } from '../src/main/media/text.js';
import { Video } from '../src/main/media/video.js';
import { detectImageFormat, isGif, isGlb, isWav } from '../src/shared/media.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const GIF = Uint8Array.from([...Buffer.from('GIF89a'), 1, 0, 1, 0]);
const WEBP = Uint8Array.from([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]);

function h(m: Media): Handover {
  return m[HANDOVER]();
}

/** assert.throws for a media error: its class, code and a message fragment. */
function rejects(fn: () => unknown, Kind: typeof TypeError | typeof RangeError, fragment: RegExp): void {
  assert.throws(fn, (e: Error & { code?: string }) => {
    assert.ok(e instanceof Kind, `${e.name}: ${e.message}`);
    assert.equal(e.code, 'SWANLAB_INVALID_MEDIA');
    assert.match(e.message, fragment);
    return true;
  });
}

describe('magic bytes', () => {
  test('PNG, JPEG, GIF (87a and 89a) and WebP are told apart; anything else, or too short, is not an image', () => {
    assert.equal(detectImageFormat(PNG), 'png');
    assert.equal(detectImageFormat(JPEG), 'jpeg');
    assert.equal(detectImageFormat(GIF), 'gif');
    assert.equal(detectImageFormat(Uint8Array.from(Buffer.from('GIF87a..'))), 'gif');
    assert.equal(detectImageFormat(WEBP), 'webp');
    assert.equal(detectImageFormat(PNG.subarray(0, 7)), undefined);
    assert.equal(detectImageFormat(Uint8Array.from(Buffer.from('GIF88a..'))), undefined);
    assert.equal(detectImageFormat(Uint8Array.from([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')])), undefined);
    assert.equal(detectImageFormat(new Uint8Array(0)), undefined);
    assert.ok(isGif(GIF) && !isGif(PNG));
    assert.ok(isWav(Uint8Array.from([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')])) && !isWav(WEBP));
    assert.ok(isGlb(Uint8Array.from(Buffer.from('glTF\x02\0\0\0'))) && !isGlb(PNG));
  });
});

describe('Image', () => {
  test('encoded bytes (Uint8Array, Buffer, ArrayBuffer) are kept as they are, by their magic', () => {
    assert.deepEqual(h(new Image(PNG)).src, { t: 'encoded', format: 'png', out: {} });
    assert.deepEqual(h(new Image(Buffer.from(JPEG))).src, { t: 'encoded', format: 'jpeg', out: {} });
    assert.deepEqual(h(new Image(GIF.buffer)).src, { t: 'encoded', format: 'gif', out: {} });
    assert.deepEqual(h(new Image(WEBP, { caption: 'w' })).src, { t: 'encoded', format: 'webp', out: {} });
    assert.equal(new Image(WEBP, { caption: 'w' }).caption, 'w');
    // No copy and no encoding on this thread: the parts are the user's own bytes.
    assert.equal(h(new Image(PNG)).parts[0], PNG);
  });

  test('a path is resolved, not read (the pool reads it)', () => {
    const src = h(new Image('plots/roc.png', { size: 64 })).src;
    assert.deepEqual(src, { t: 'path', path: path.resolve('plots/roc.png'), as: 'image', out: { maxSide: 64 } });
  });

  test('raw pixels: gray, RGB, RGBA by length, in every numeric typed array', () => {
    const gray = new Uint8Array(6);
    assert.deepEqual(h(new Image(gray, { width: 3, height: 2 })).src, { t: 'pixels', dtype: 'u8', width: 3, height: 2, channels: 1, out: {} });
    assert.equal((h(new Image(new Uint8ClampedArray(18), { width: 3, height: 2 })).src as { channels: number }).channels, 3);
    const rgba = h(new Image(new Float32Array(24), { width: 3, height: 2, fileType: 'jpeg' })).src;
    assert.deepEqual(rgba, { t: 'pixels', dtype: 'f32', width: 3, height: 2, channels: 4, out: { fileType: 'jpeg' } });
    assert.equal((h(new Image(new Float64Array(6), { width: 3, height: 2 })).src as { dtype: string }).dtype, 'f64');
    assert.equal((h(new Image(new Int32Array(6), { width: 3, height: 2 })).src as { dtype: string }).dtype, 'i32');
    assert.equal((h(new Image(new Uint8Array(18), { width: 3, height: 2, channels: 3 })).src as { channels: number }).channels, 3);
  });

  test('nested arrays [h][w] and [h][w][c], rows as arrays or typed arrays, flattened to Float32', () => {
    const g = h(new Image([[0, 1], [2, 3], [4, 5]]));
    assert.deepEqual(g.src, { t: 'pixels', dtype: 'f32', width: 2, height: 3, channels: 1, out: {} });
    assert.deepEqual([...(g.parts[0] as Float32Array)], [0, 1, 2, 3, 4, 5]);
    const rgb = h(new Image([[[1, 2, 3], Uint8Array.from([4, 5, 6])]]));
    assert.deepEqual(rgb.src, { t: 'pixels', dtype: 'f32', width: 2, height: 1, channels: 3, out: {} });
    assert.deepEqual([...(rgb.parts[0] as Float32Array)], [1, 2, 3, 4, 5, 6]);
  });

  test('tensor-like objects: dataSync(), a data property, data() now or later; [1, h, w, c] is squeezed', async () => {
    const values = new Float32Array(2 * 3 * 3);
    const sync = h(new Image({ shape: [2, 3, 3], dataSync: () => values }));
    assert.deepEqual(sync.src, { t: 'pixels', dtype: 'f32', width: 3, height: 2, channels: 3, out: {} });
    assert.equal(sync.parts[0], values);
    const batch = h(new Image({ shape: [1, 2, 3, 3], dataSync: () => values }));
    assert.equal((batch.src as { width: number }).width, 3);
    const ort = h(new Image({ dims: [2, 3], data: new Int32Array(6) } as never));
    assert.deepEqual(ort.src, { t: 'pixels', dtype: 'i32', width: 3, height: 2, channels: 1, out: {} });
    const later = h(new Image({ shape: [2, 3], data: async () => new Uint8Array(6) }));
    assert.ok(later.pending instanceof Promise);
    assert.deepEqual((await later.pending).src, { t: 'pixels', dtype: 'u8', width: 3, height: 2, channels: 1, out: {} });
    const wrong = h(new Image({ shape: [2, 3], data: async () => new Uint8Array(5) }));
    await assert.rejects(wrong.pending!, /5 values for shape \[2, 3\]/);
  });

  test('options: fileType, size as a number or { width, height }; nesting keeps the data, the outer caption wins', () => {
    assert.deepEqual(h(new Image(PNG, { fileType: 'JPG' as 'jpg', size: { width: 10 } })).src, { t: 'encoded', format: 'png', out: { fileType: 'jpg', width: 10 } });
    const inner = new Image(PNG, { caption: 'inner' });
    assert.equal(new Image(inner).caption, 'inner');
    const outer = new Image(inner, { caption: 'outer' });
    assert.equal(outer.caption, 'outer');
    assert.equal(h(outer), h(inner));
  });

  test('errors name the class and the problem', () => {
    rejects(() => new Image(Uint8Array.from([1, 2, 3, 4])), TypeError, /^Image: the bytes are not PNG, JPEG, GIF or WebP \(they start 01 02 03 04\); for raw pixels pass \{ width, height \}/);
    rejects(() => new Image(new Float32Array(4)), TypeError, /a Float32Array of pixels needs \{ width, height \}/);
    rejects(() => new Image(new Uint8Array(10), { width: 3, height: 2 }), RangeError, /channels must be 1 \(gray\), 3 \(RGB\) or 4 \(RGBA\), got 1\.67/);
    rejects(() => new Image(new Uint8Array(12), { width: 3, height: 2 }), RangeError, /got 2/);
    rejects(() => new Image(new Uint8Array(20), { width: 3, height: 2, channels: 3 }), RangeError, /20 values do not make 3×2 pixels of 3 channels \(18 expected\)/);
    rejects(() => new Image(new Uint8Array(6), { width: 0, height: 2 }), RangeError, /width must be a positive integer, got 0/);
    rejects(() => new Image(new Uint8Array(6), { width: 3 } as never), TypeError, /height must be a positive integer, got undefined/);
    rejects(() => new Image([[1, 2], [3]]), TypeError, /ragged: \[1\] has length 1, expected 2/);
    rejects(() => new Image([[1, 'x']] as never), TypeError, /\[0\]\[1\] is string, not a number/);
    rejects(() => new Image([]), TypeError, /an empty array/);
    rejects(() => new Image([[[[1]]]] as never), TypeError, /more than 3 levels/);
    rejects(() => new Image({ shape: [2, 2, 2], dataSync: () => new Float32Array(8) }), RangeError, /the tensor has shape \[2, 2, 2\]: channels must be/);
    rejects(() => new Image({ shape: [4], dataSync: () => new Float32Array(4) }), RangeError, /an image is \[height, width\]/);
    rejects(() => new Image({ shape: [2, 2], dataSync: () => new BigInt64Array(4) as never }), TypeError, /BigInt64Array, not a numeric typed array/);
    rejects(() => new Image(PNG, { fileType: 'bmp' as never }), TypeError, /fileType must be 'png', 'jpeg' or 'jpg', got "bmp"/);
    rejects(() => new Image(PNG, { size: -3 }), RangeError, /size must be a positive integer, got -3/);
    rejects(() => new Image(PNG, { size: {} }), TypeError, /size needs a width, a height or both/);
    rejects(() => new Image(PNG, { size: [1, 2] as never }), TypeError, /size must be a number \(longest side\) or \{ width, height \}/);
    rejects(() => new Image(GIF, { fileType: 'png' }), TypeError, /GIF images are stored as they are/);
    rejects(() => new Image(WEBP, { size: 32 }), TypeError, /WEBP images are stored as they are/);
    rejects(() => new Image(PNG, { caption: 7 as never }), TypeError, /caption must be a string, got 7 \(number\)/);
    rejects(() => new Image(42 as never), TypeError, /^Image: unsupported input 42 \(number\); pass PNG\/JPEG\/GIF\/WebP bytes/);
    rejects(() => new Image({ a: 1 } as never), TypeError, /unsupported input an object/);
    rejects(() => new Image(''), TypeError, /the path is empty/);
    rejects(() => new Image(PNG, 'caption' as never), TypeError, /options must be an object/);
  });
});

describe('Audio', () => {
  test('mono, interleaved stereo, [left, right] planar, number arrays, a .wav path; sampleRate 44100 by default', () => {
    const mono = new Audio(new Float32Array(8));
    assert.equal(mono.sampleRate, 44100);
    assert.deepEqual(h(mono).src, { t: 'samples', dtype: 'f32', channels: 1, planar: false, sampleRate: 44100 });
    assert.deepEqual(h(new Audio(new Int16Array(8), { channels: 2, sampleRate: 8000 })).src, { t: 'samples', dtype: 'i16', channels: 2, planar: false, sampleRate: 8000 });
    const l = new Int32Array(4);
    const r = new Int32Array(4);
    const planar = h(new Audio([l, r]));
    assert.deepEqual(planar.src, { t: 'samples', dtype: 'i32', channels: 2, planar: true, sampleRate: 44100 });
    assert.deepEqual(planar.parts, [l, r]);
    const mixed = h(new Audio([new Float64Array([0.5, 1]), [0.25, -1]]));
    assert.deepEqual(mixed.src, { t: 'samples', dtype: 'f32', channels: 2, planar: true, sampleRate: 44100 });
    assert.deepEqual([...(mixed.parts[0] as Float32Array)], [0.5, 1, 0.25, -1]);
    assert.deepEqual(h(new Audio([0, 0.5, -0.5])).src, { t: 'samples', dtype: 'f32', channels: 1, planar: true, sampleRate: 44100 });
    assert.deepEqual(h(new Audio('take1.WAV')).src, { t: 'path', path: path.resolve('take1.WAV'), as: 'wav' });
    assert.equal(new Audio(mono, { caption: 'c' }).sampleRate, 44100);
  });

  test('errors', () => {
    rejects(() => new Audio(new Uint8Array(4) as never), TypeError, /^Audio: samples must be a Float32Array, Float64Array, Int16Array or Int32Array/);
    rejects(() => new Audio(new Float32Array(5), { channels: 2 }), RangeError, /5 interleaved samples do not divide into 2 channels/);
    rejects(() => new Audio(new Float32Array(4), { channels: 3 }), RangeError, /channels must be 1 or 2/);
    rejects(() => new Audio([new Float32Array(2), new Float32Array(2), new Float32Array(2)]), RangeError, /3 channels given/);
    rejects(() => new Audio([new Float32Array(2), new Float32Array(3)]), RangeError, /different lengths \(2, 3\)/);
    rejects(() => new Audio(new Float32Array(0)), RangeError, /no samples/);
    rejects(() => new Audio([]), RangeError, /no samples/);
    rejects(() => new Audio(new Float32Array(2), { sampleRate: 0 }), RangeError, /sampleRate must be a positive integer/);
    rejects(() => new Audio('take1.mp3'), TypeError, /a path must name a \.wav file/);
    rejects(() => new Audio({} as never), TypeError, /unsupported input an object/);
  });
});

describe('Text, Html, ECharts, Video', () => {
  test('Text is UTF-8 .txt; a non-string is an error', () => {
    const t = h(new Text('épique ✓', { caption: 'c' }));
    assert.deepEqual(t.src, { t: 'file', ext: 'txt' });
    assert.equal(Buffer.from(t.parts[0] as Uint8Array).toString(), 'épique ✓');
    rejects(() => new Text(3 as never), TypeError, /^Text: content must be a string, got 3 \(number\)/);
  });

  test('Html: one line ending in .html is a path (the text is kept in case it is no file); anything else is HTML', () => {
    assert.deepEqual(h(new Html('report.html')).src, { t: 'path', path: path.resolve('report.html'), as: 'html' });
    assert.deepEqual(h(new Html('<p>see report.html</p>')).src, { t: 'file', ext: 'html' });
    assert.deepEqual(h(new Html('two\nlines.html')).src, { t: 'file', ext: 'html' });
    rejects(() => new Html(Buffer.from('<p>') as never), TypeError, /^Html: data must be an HTML string or a path/);
  });

  test('ECharts: the option as JSON (functions left out), or getOption() of a chart; not JSON-able is an error', () => {
    const e = h(new ECharts({ series: [{ type: 'bar', data: [1, 2] }], tooltip: { formatter: () => 'x' } }));
    assert.deepEqual(e.src, { t: 'file', ext: 'json' });
    assert.deepEqual(JSON.parse(Buffer.from(e.parts[0] as Uint8Array).toString()), { series: [{ type: 'bar', data: [1, 2] }], tooltip: {} });
    const chart = { getOption: () => ({ title: { text: 't' } }) };
    assert.deepEqual(JSON.parse(Buffer.from(h(new ECharts(chart)).parts[0] as Uint8Array).toString()), { title: { text: 't' } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    rejects(() => new ECharts(cyclic), TypeError, /^ECharts: the option cannot be written as JSON: .*circular/i);
    rejects(() => new ECharts({ big: 1n }), TypeError, /BigInt/);
    rejects(() => new ECharts([1, 2] as never), TypeError, /the option must be an object/);
  });

  test('Video: GIF bytes or a .gif path; anything else is an error', () => {
    assert.deepEqual(h(new Video(GIF)).src, { t: 'file', ext: 'gif' });
    assert.deepEqual(h(new Video(GIF.buffer)).src, { t: 'file', ext: 'gif' });
    assert.deepEqual(h(new Video('a/b.gif')).src, { t: 'path', path: path.resolve('a/b.gif'), as: 'gif' });
    rejects(() => new Video(PNG), TypeError, /^Video: only GIF is supported: the bytes start 89 50 4e 47/);
    rejects(() => new Video('clip.mp4'), TypeError, /a path must end in \.gif/);
    rejects(() => new Video(3 as never), TypeError, /unsupported input 3/);
  });
});

describe('Object3D', () => {
  const corners = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];

  test('N×3/4/6 rows, a flat typed array with columns, a tensor, { points, boxes }, a .glb or .swanlab.pts.json path', () => {
    assert.deepEqual(h(new Object3D([[0, 0, 0], [1, 2, 3]])).src, { t: 'points', dtype: 'f64', columns: 3, boxes: [] });
    assert.deepEqual(h(new Object3D(new Float32Array(8), { columns: 4 })).src, { t: 'points', dtype: 'f32', columns: 4, boxes: [] });
    assert.deepEqual(h(new Object3D({ shape: [2, 6], dataSync: () => new Float32Array(12) })).src, { t: 'points', dtype: 'f32', columns: 6, boxes: [] });
    const withBoxes = h(new Object3D({ points: [[0, 0, 0]], boxes: [{ color: [255, 0, 0], corners, label: 'car', score: 0.9 }] }));
    assert.deepEqual((withBoxes.src as { boxes: unknown }).boxes, [{ color: [255, 0, 0], corners, label: 'car', score: 0.9 }]);
    assert.deepEqual(h(new Object3D([[0, 0, 0]], { boxes: [{ color: [0, 0, 255], corners, label: 'b' }] })).src, {
      t: 'points', dtype: 'f64', columns: 3, boxes: [{ color: [0, 0, 255], corners, label: 'b' }],
    });
    assert.deepEqual(h(new Object3D('scene.GLB')).src, { t: 'path', path: path.resolve('scene.GLB'), as: 'object3d' });
    assert.equal((h(new Object3D('x.swanlab.pts.json')).src as { as: string }).as, 'object3d');
  });

  test('errors', () => {
    rejects(() => new Object3D(new Float32Array(9)), TypeError, /^Object3D: a flat Float32Array of points needs \{ columns: 3 \| 4 \| 6 \}/);
    rejects(() => new Object3D(new Float32Array(10), { columns: 5 }), RangeError, /3 \(XYZ\), 4 \(XYZ \+ class\) or 6 \(XYZRGB\) columns, got 5/);
    rejects(() => new Object3D(new Float32Array(10), { columns: 4 }), RangeError, /10 numbers do not make rows of 4/);
    rejects(() => new Object3D([[0, 0], [1, 1]]), RangeError, /got 2/);
    rejects(() => new Object3D([1, 2, 3] as never), RangeError, /N rows of 3, 4 or 6 numbers/);
    rejects(() => new Object3D({ points: [[0, 0, 0]], boxes: [{ color: [1, 2], corners, label: 'x' }] }), TypeError, /boxes\[0\]\.color must be \[r, g, b\]/);
    rejects(() => new Object3D([[0, 0, 0]], { boxes: [{ color: [1, 2, 3], corners: corners.slice(1), label: 'x' }] }), TypeError, /boxes\[0\]\.corners must be eight/);
    rejects(() => new Object3D([[0, 0, 0]], { boxes: [{ color: [1, 2, 3], corners, label: 3 as never }] }), TypeError, /boxes\[0\]\.label must be a string/);
    rejects(() => new Object3D('mesh.obj'), TypeError, /a path must name a \.glb or \.swanlab\.pts\.json file/);
    rejects(() => new Object3D(7 as never), TypeError, /unsupported input 7/);
  });
});
