// Media end to end through a run: what each stored file holds decodes back to the input
// (pixels after PNG decode, WAV header and samples, JSON equal), each MediaRecord names its
// file with the full sha256, size and caption (spec 1.3, 1.5), and the log() rules for media
// (lists, type changes, limits, steps) hold.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { ColumnType } from '../src/format/index.js';
import { captureStderr, pointStrings, records, tempDir } from './helpers.js';

interface Item {
  filename: string;
  sha256: string;
  size: number;
  caption: string;
}
interface MediaRec {
  key: string;
  step: number;
  type: ColumnType;
  items: Item[];
}

/** The MediaRecords of a run folder, in file order. */
function mediaRecords(dir: string): MediaRec[] {
  const out: MediaRec[] = [];
  for (const r of records(dir)) {
    if (r.recordType.case !== 'media') continue;
    const m = r.recordType.value;
    out.push({
      key: m.key,
      step: Number(m.step),
      type: m.type,
      items: (m.value?.items ?? []).map((i) => ({ filename: i.filename, sha256: i.sha256, size: Number(i.size), caption: i.caption })),
    });
  }
  return out;
}

/** The bytes of a record's item, checked against its name, sha256 and size. */
function fileOf(dir: string, medium: string, item: Item, step: number): Buffer {
  const bytes = fs.readFileSync(path.join(dir, 'media', medium, item.filename));
  const sha = createHash('sha256').update(bytes).digest('hex');
  assert.equal(item.sha256, sha);
  assert.equal(item.size, bytes.length);
  const ext = item.filename.slice(item.filename.indexOf('.') + 1);
  assert.equal(item.filename, `${String(step).padStart(3, '0')}-${sha.slice(0, 8)}.${ext}`);
  return bytes;
}

async function png() {
  return import('fast-png');
}

/** One run: log what `body` logs, finish, return the folder and our stderr lines. */
async function runWith(body: () => void, options: swanlab.InitOptions = {}): Promise<{ dir: string; lines: string[] }> {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline', ...options });
  const { lines } = await captureStderr(async () => {
    body();
    await swanlab.finish();
  });
  return { dir: run.dir, lines: lines.filter((l) => l.startsWith('swanlab: log()')) };
}

test('Image: pixels of every form come back from the PNG as given (gray, RGB, RGBA, floats in 0..1, nested arrays, tensors)', async () => {
  const { decode } = await png();
  const rgba = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 37) % 256);
  const rgb = Uint8ClampedArray.from({ length: 5 * 3 * 3 }, (_, i) => (i * 11) % 256);
  const gray = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
  const unit = Float32Array.from(gray, (v) => v / 255);
  const wide = Float32Array.from(gray, (v) => v * 2 - 100); // outside 0..1: rounded and clipped
  const nested = [[0, 64, 128, 192, 255], [1, 2, 3, 4, 5], [250, 251, 252, 253, 254]];
  const later = { shape: [3, 5, 1], data: () => new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(gray), 20)) };
  const { dir, lines } = await runWith(() => {
    swanlab.log({
      rgba: new swanlab.Image(rgba, { width: 5, height: 3, caption: 'rgba' }),
      rgb: new swanlab.Image(rgb, { width: 5, height: 3 }),
      gray: new swanlab.Image(gray, { width: 5, height: 3 }),
      unit: new swanlab.Image(unit, { width: 5, height: 3 }),
      wide: new swanlab.Image(wide, { width: 5, height: 3 }),
      nested: new swanlab.Image(nested),
      tensor: new swanlab.Image({ shape: [1, 3, 5, 4], dataSync: () => rgba }),
      later: new swanlab.Image(later),
    });
  });
  assert.deepEqual(lines, []);
  const recs = mediaRecords(dir);
  assert.deepEqual(recs.map((r) => r.key), ['rgba', 'rgb', 'gray', 'unit', 'wide', 'nested', 'tensor', 'later']);
  const decoded = (key: string) => {
    const r = recs.find((x) => x.key === key)!;
    assert.equal(r.type, ColumnType.IMAGE);
    assert.equal(r.step, 0);
    assert.match(r.items[0]!.filename, /\.png$/);
    const img = decode(fileOf(dir, 'image', r.items[0]!, 0));
    assert.equal(img.width, key === 'nested' ? 5 : 5);
    assert.equal(img.height, 3);
    return { channels: img.channels, data: [...img.data] };
  };
  assert.deepEqual(decoded('rgba'), { channels: 4, data: [...rgba] });
  assert.equal(recs[0]!.items[0]!.caption, 'rgba');
  assert.equal(recs[1]!.items[0]!.caption, '');
  assert.deepEqual(decoded('rgb'), { channels: 3, data: [...rgb] });
  assert.deepEqual(decoded('gray'), { channels: 1, data: [...gray] });
  assert.deepEqual(decoded('unit'), { channels: 1, data: [...gray] });
  assert.deepEqual(decoded('wide'), { channels: 1, data: [...wide].map((v) => Math.min(255, Math.max(0, Math.round(v)))) });
  assert.deepEqual(decoded('nested'), { channels: 1, data: nested.flat() });
  assert.deepEqual(decoded('tensor'), { channels: 4, data: [...rgba] });
  assert.deepEqual(decoded('later'), { channels: 1, data: [...gray] });
});

test('Image: encoded bytes are stored as they are; JPEG output; thumbnails; paths read by the pool; a missing path is a warning', async () => {
  const { encode, decode } = await png();
  const tmp = tempDir();
  const pixels = Uint8Array.from({ length: 40 * 20 * 3 }, (_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? 100 : 50));
  const pngBytes = encode({ width: 40, height: 20, data: pixels, channels: 3 });
  const pngPath = path.join(tmp, 'flat.png');
  fs.writeFileSync(pngPath, pngBytes);
  const { dir, lines } = await runWith(() => {
    swanlab.log({
      asIs: new swanlab.Image(pngBytes),
      jpeg: new swanlab.Image(pixels, { width: 40, height: 20, fileType: 'jpeg' }),
      thumb: new swanlab.Image(pngBytes, { size: 10 }),
      exact: new swanlab.Image(pixels, { width: 40, height: 20, size: { width: 8, height: 8 } }),
      byWidth: new swanlab.Image(pixels, { width: 40, height: 20, size: { width: 20 } }),
      fromPath: new swanlab.Image(pngPath),
      pathToJpg: new swanlab.Image(pngPath, { fileType: 'jpg' }),
      missing: new swanlab.Image(path.join(tmp, 'nope.png')),
    });
  });
  const recs = mediaRecords(dir);
  const item = (key: string) => recs.find((r) => r.key === key)!.items[0]!;
  assert.equal(item('asIs').sha256, createHash('sha256').update(pngBytes).digest('hex'));
  assert.deepEqual(fileOf(dir, 'image', item('asIs'), 0), Buffer.from(pngBytes));
  const jpg = fileOf(dir, 'image', item('jpeg'), 0);
  assert.match(item('jpeg').filename, /\.jpeg$/);
  assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  const jpegjs = await import('jpeg-js');
  const back = jpegjs.decode(jpg, { useTArray: true });
  assert.equal(back.width, 40);
  // Lossy, flat colours: every channel within a few levels.
  for (let i = 0; i < 40 * 20; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(back.data[i * 4 + c]! - pixels[i * 3 + c]!) <= 4);
  const size = (key: string) => {
    const d = decode(fileOf(dir, 'image', item(key), 0));
    return [d.width, d.height, d.data[0], d.data[1], d.data[2]];
  };
  assert.deepEqual(size('thumb'), [10, 5, 200, 100, 50]);
  assert.deepEqual(size('exact'), [8, 8, 200, 100, 50]);
  assert.deepEqual(size('byWidth'), [20, 10, 200, 100, 50]);
  assert.deepEqual(fileOf(dir, 'image', item('fromPath'), 0), Buffer.from(pngBytes));
  assert.match(item('pathToJpg').filename, /\.jpg$/);
  assert.equal(recs.find((r) => r.key === 'missing'), undefined);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /^swanlab: log\(\): key "missing" step 0: Image item 0 dropped: cannot read .*nope\.png: ENOENT/);
});

test('Audio: the WAV holds the samples as 16-bit PCM (floats scaled by 32767, Int16 exact, Int32 top bits, stereo interleaved)', async () => {
  const tmp = tempDir();
  const mono = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 5) * 0.9);
  mono[0] = 1.5; // clipped
  mono[1] = -2;
  const left = Int16Array.from({ length: 50 }, (_, i) => i * 100 - 2500);
  const right = Int16Array.from({ length: 50 }, (_, i) => -i);
  const i32 = Int32Array.from([1 << 30, -(1 << 30), 65536 * 7]);
  const wavPath = path.join(tmp, 'take.wav');
  const { dir } = await runWith(() => {
    swanlab.log({ speech: new swanlab.Audio(mono, { sampleRate: 16000, caption: 'hi' }) });
    swanlab.log({ stereo: new swanlab.Audio([left, right]), wide: new swanlab.Audio(i32, { sampleRate: 8000 }) });
  });
  const recs = mediaRecords(dir);
  const wav = (key: string) => {
    const r = recs.find((x) => x.key === key)!;
    assert.equal(r.type, ColumnType.AUDIO);
    assert.match(r.items[0]!.filename, /\.wav$/);
    const b = fileOf(dir, 'audio', r.items[0]!, 0);
    assert.equal(b.toString('latin1', 0, 4), 'RIFF');
    assert.equal(b.readUInt32LE(4), b.length - 8);
    assert.equal(b.toString('latin1', 8, 16), 'WAVEfmt ');
    assert.equal(b.readUInt16LE(20), 1, 'PCM');
    assert.equal(b.readUInt16LE(34), 16, 'bits');
    assert.equal(b.toString('latin1', 36, 40), 'data');
    const samples: number[] = [];
    for (let o = 44; o < b.length; o += 2) samples.push(b.readInt16LE(o));
    return { channels: b.readUInt16LE(22), rate: b.readUInt32LE(24), byteRate: b.readUInt32LE(28), samples };
  };
  const s = wav('speech');
  assert.deepEqual([s.channels, s.rate, s.byteRate], [1, 16000, 32000]);
  assert.deepEqual(s.samples, [...mono].map((x) => Math.round(Math.max(-1, Math.min(1, x)) * 32767)));
  assert.equal(recs[0]!.items[0]!.caption, 'hi');
  const st = wav('stereo');
  assert.deepEqual([st.channels, st.rate], [2, 44100]);
  assert.deepEqual(st.samples, [...left].flatMap((l, i) => [l, right[i]!]));
  assert.deepEqual(wav('wide').samples, [16384, -16384, 7]);
  // A .wav path is stored as it is.
  fs.writeFileSync(wavPath, fs.readFileSync(path.join(dir, 'media', 'audio', recs[0]!.items[0]!.filename)));
  const again = await runWith(() => swanlab.log({ file: new swanlab.Audio(wavPath) }));
  const r = mediaRecords(again.dir)[0]!;
  assert.equal(r.items[0]!.sha256, recs[0]!.items[0]!.sha256);
});

test('Text, Html, ECharts, Object3D and Video round trip; each class has its column type and folder', async () => {
  const tmp = tempDir();
  const htmlPath = path.join(tmp, 'page.html');
  fs.writeFileSync(htmlPath, '<h1>from a file</h1>');
  const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
  const gifPath = path.join(tmp, 'anim.gif');
  fs.writeFileSync(gifPath, gif);
  const glbPath = path.join(tmp, 'cube.glb');
  fs.writeFileSync(glbPath, Buffer.from('glTF\x02\0\0\0\x0c\0\0\0'));
  const option = { xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: {}, series: [{ type: 'line', data: [1, 2.5] }] };
  const corners = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];
  const { dir, lines } = await runWith(() => {
    swanlab.log({
      notes: new swanlab.Text('epoch 3: lr dropped ✓'),
      page: new swanlab.Html('<b>inline</b>', { caption: 'p' }),
      pageFile: new swanlab.Html(htmlPath),
      notAFile: new swanlab.Html(path.join(tmp, 'missing.html')),
      curve: new swanlab.ECharts(option),
      xyz: new swanlab.Object3D([[0, 0.5, 1], [2, 3, 4]]),
      xyzc: new swanlab.Object3D(Float32Array.from([0, 0, 0, 1, 1, 1, 1, 17, 2, 2, 2, -1]), { columns: 4 }),
      xyzrgb: new swanlab.Object3D({ points: [[1, 2, 3, 10, 20, 30]], boxes: [{ color: [255, 0, 0], corners, label: 'car', score: 0.5 }] }),
      glb: new swanlab.Object3D(glbPath),
      anim: new swanlab.Video(gif),
      animFile: new swanlab.Video(gifPath),
    });
  });
  assert.deepEqual(lines, []);
  const recs = mediaRecords(dir);
  const one = (key: string, medium: string, type: ColumnType, ext: RegExp): string => {
    const r = recs.find((x) => x.key === key)!;
    assert.equal(r.type, type, key);
    assert.match(r.items[0]!.filename, ext);
    return fileOf(dir, medium, r.items[0]!, 0).toString('utf8');
  };
  assert.equal(one('notes', 'text', ColumnType.TEXT, /\.txt$/), 'epoch 3: lr dropped ✓');
  assert.equal(one('page', 'html', ColumnType.HTML, /\.html$/), '<b>inline</b>');
  assert.equal(one('pageFile', 'html', ColumnType.HTML, /\.html$/), '<h1>from a file</h1>');
  assert.equal(one('notAFile', 'html', ColumnType.HTML, /\.html$/), path.join(tmp, 'missing.html'));
  assert.deepEqual(JSON.parse(one('curve', 'echarts', ColumnType.ECHARTS, /\.json$/)), option);
  const pts = (key: string) => JSON.parse(one(key, 'object3d', ColumnType.OBJECT3D, /\.swanlab\.pts\.json$/));
  assert.deepEqual(pts('xyz'), { version: '0.1', points: [[0, 0.5, 1, 0, 255, 0], [2, 3, 4, 0, 255, 0]], boxes: [] });
  // Class 1 → palette[1] #587ad2, 17 % 16 = 1, -1 → 15 (#989fa3), as numpy and Python's % give.
  assert.deepEqual(pts('xyzc').points, [[0, 0, 0, 0x58, 0x7a, 0xd2], [1, 1, 1, 0x58, 0x7a, 0xd2], [2, 2, 2, 0x98, 0x9f, 0xa3]]);
  assert.deepEqual(pts('xyzrgb'), { version: '0.1', points: [[1, 2, 3, 10, 20, 30]], boxes: [{ color: [255, 0, 0], corners, label: 'car', score: 0.5 }] });
  assert.match(recs.find((r) => r.key === 'glb')!.items[0]!.filename, /\.glb$/);
  // Video: IMAGE column, media/image/, as SwanLab v0.9.7 (spec 1.5).
  assert.equal(one('anim', 'image', ColumnType.IMAGE, /\.gif$/), gif.toString('utf8'));
  assert.equal(one('animFile', 'image', ColumnType.IMAGE, /\.gif$/), gif.toString('utf8'));
  const columns = records(dir).filter((r) => r.recordType.case === 'column').map((r) => r.recordType.value as { columnKey: string; columnType: ColumnType });
  assert.deepEqual(Object.fromEntries(columns.map((c) => [c.columnKey, ColumnType[c.columnType]])), {
    notes: 'TEXT', page: 'HTML', pageFile: 'HTML', notAFile: 'HTML', curve: 'ECHARTS', xyz: 'OBJECT3D', xyzc: 'OBJECT3D', xyzrgb: 'OBJECT3D', glb: 'OBJECT3D', anim: 'IMAGE', animFile: 'IMAGE',
  });
});

test('steps: media keys count their own steps like scalars; an explicit step applies to every key; records keep log() order', async () => {
  const px = (v: number) => new swanlab.Image(new Uint8Array(4).fill(v), { width: 2, height: 2 });
  const { dir, lines } = await runWith(() => {
    swanlab.log({ loss: 1, img: px(1) }); // loss 0, img 0
    swanlab.log({ loss: 2 }); // loss 1
    swanlab.log({ loss: 3, img: [px(2), px(3)] }); // loss 2, img 1 (two items)
    swanlab.log({ img: px(4), loss: 4 }, 10); // both at 10
    swanlab.log({ img: px(5) }, 10); // duplicate (img, 10): dropped, first kept
    swanlab.log({ img: px(6) }); // img 11
  });
  assert.deepEqual(pointStrings(dir), ['loss@0=1', 'loss@1=2', 'loss@2=3', 'loss@10=4']);
  const recs = mediaRecords(dir);
  assert.deepEqual(recs.map((r) => `${r.key}@${r.step}×${r.items.length}`), ['img@0×1', 'img@1×2', 'img@10×1', 'img@11×1']);
  assert.deepEqual(lines, ['swanlab: log(): key "img" already has a value at step 10; the first value is kept and later ones are dropped (reported once per key, counted at finish)']);
  // The column comes first, and the two items of one step keep their order.
  const kinds = records(dir).map((r) => (r.recordType.case === 'column' ? `column:${(r.recordType.value as { columnKey: string }).columnKey}` : r.recordType.case));
  assert.ok(kinds.indexOf('column:img') < kinds.indexOf('media'));
  const { decode } = await png();
  const firsts = recs[1]!.items.map((i) => decode(fileOf(dir, 'image', i, 1)).data[0]);
  assert.deepEqual(firsts, [2, 3]);
});

test('errors name the key: a mixed list, an empty list, a list of numbers, a key changing type; strict mode throws and writes nothing', async () => {
  const img = new swanlab.Image(new Uint8Array(4), { width: 2, height: 2 });
  const audio = new swanlab.Audio(new Float32Array(4));
  const { dir, lines } = await runWith(() => {
    swanlab.log({ num: 1, pic: img, ok: 1 });
    swanlab.log({ mixed: [img, audio], empty: [], nums: [1, 2] as never, ok: 2 });
    swanlab.log({ num: img, pic: 3, ok: 3 });
    swanlab.log({ pic: audio, ok: 4 });
    swanlab.log({ pic: [audio], ok: 5 });
  });
  assert.deepEqual(pointStrings(dir), ['num@0=1', 'ok@0=1', 'ok@1=2', 'ok@2=3', 'ok@3=4', 'ok@4=5']);
  assert.deepEqual(mediaRecords(dir).map((r) => `${r.key}@${r.step}`), ['pic@0']);
  const suffix = ' (dropped; reported once per key and rule)';
  assert.deepEqual(lines, [
    'swanlab: log(): key "mixed": value an array of length 2 mixes Image and Audio (item 1); a list must hold media of one class' + suffix,
    'swanlab: log(): key "empty": value an array of length 0 is empty; a list must hold one or more media of one class (Image, Audio, Text, ECharts, Object3D, Html, Video)' + suffix,
    'swanlab: log(): key "nums": value an array of length 2 is not loggable: item 0 is 1 (number); a list must hold media of one class (Image, Audio, Text, ECharts, Object3D, Html, Video)' + suffix,
    'swanlab: log(): key "num": value an Image cannot be logged: the key holds numbers, and a key keeps the type of its first value' + suffix,
    // Reported once per (key, rule): the Audio for "pic" is dropped without a second line.
    'swanlab: log(): key "pic": value 3 (number) cannot be logged: the key holds Image values, and a key keeps the type of its first value' + suffix,
  ]);

  const strict = swanlab.init({ logdir: tempDir(), strict: true });
  swanlab.log({ a: 1, pic: img });
  const code = (e: Error & { code?: string }) => e instanceof TypeError && e.code === 'SWANLAB_INVALID_VALUE';
  assert.throws(() => swanlab.log({ a: 2, pic: [img, audio] }), (e: Error) => code(e) && /key "pic".*mixes Image and Audio/.test(e.message));
  assert.throws(() => swanlab.log({ a: 3, pic: [] }), (e: Error) => code(e) && /key "pic".*is empty/.test(e.message));
  assert.throws(() => swanlab.log({ a: img, b: 1 }), (e: Error) => code(e) && /key "a".*holds numbers/.test(e.message));
  assert.throws(() => swanlab.log({ b: 1, pic: 0.5 }), (e: Error) => code(e) && /key "pic".*holds Image values/.test(e.message));
  swanlab.log({ a: 4, pic: [img, img] });
  await swanlab.finish();
  assert.deepEqual(pointStrings(strict.dir), ['a@0=1', 'a@1=4']);
  assert.deepEqual(mediaRecords(strict.dir).map((r) => `${r.key}@${r.step}×${r.items.length}`), ['pic@0×1', 'pic@1×2']);
});

test('limits: more than 108 items per key and step are cut to 108 (one warning); an item over 10 MiB is dropped with a warning', async () => {
  const texts = Array.from({ length: 120 }, (_, i) => new swanlab.Text(`item ${i}`));
  const huge = new swanlab.Text('x'.repeat(10 * 1024 * 1024 + 1));
  const fits = new swanlab.Text('y'.repeat(10 * 1024 * 1024));
  const { dir, lines } = await runWith(() => {
    swanlab.log({ many: texts });
    swanlab.log({ many: texts });
    swanlab.log({ big: [fits, huge] });
    swanlab.log({ solo: huge });
  });
  const recs = mediaRecords(dir);
  assert.deepEqual(recs.map((r) => `${r.key}@${r.step}×${r.items.length}`), ['many@0×108', 'many@1×108', 'big@0×1']);
  assert.equal(fileOf(dir, 'text', recs[0]!.items[107]!, 0).toString(), 'item 107');
  assert.equal(recs[2]!.items[0]!.size, 10 * 1024 * 1024);
  // The pool reports in the order it finishes.
  assert.deepEqual(lines.sort(), [
    "swanlab: log(): key \"big\" step 0: Text item 1 dropped: 10.0 MiB is over SwanLab's 10 MiB limit per media file (reported once per key)",
    'swanlab: log(): key "many": 120 Text items in one step; SwanLab keeps at most 108 per key and step, so the first 108 are logged (reported once per key)',
    "swanlab: log(): key \"solo\" step 0: Text item 0 dropped: 10.0 MiB is over SwanLab's 10 MiB limit per media file (reported once per key)",
  ]);
});

test('an image larger than the whole ring travels beside it, keeps its place in log() order, and round trips', async () => {
  const { decode } = await png();
  const big = Uint8Array.from({ length: 160 * 120 * 4 }, (_, i) => (i * 7) % 251); // 75 KiB > the 64 KiB ring
  const small = new Uint8Array(16).fill(9);
  const { dir } = await runWith(
    () => {
      for (let i = 0; i < 3; i++) {
        swanlab.log({ loss: i, img: new swanlab.Image(i === 1 ? small : big, i === 1 ? { width: 2, height: 2 } : { width: 160, height: 120 }) });
      }
    },
    { ringBytes: 1 << 16 },
  );
  assert.deepEqual(pointStrings(dir), ['loss@0=0', 'loss@1=1', 'loss@2=2']);
  const recs = mediaRecords(dir);
  assert.deepEqual(recs.map((r) => `${r.key}@${r.step}`), ['img@0', 'img@1', 'img@2']);
  const d = decode(fileOf(dir, 'image', recs[2]!.items[0]!, 2));
  assert.deepEqual([d.width, d.height, d.channels], [160, 120, 4]);
  assert.deepEqual(Buffer.from(d.data as Uint8Array), Buffer.from(big));
  assert.equal(decode(fileOf(dir, 'image', recs[1]!.items[0]!, 1)).data[0], 9);
});

test("a tensor's data() that resolves late is waited for by finish(); one that never settles is given up after exitFlushTimeoutMs", async () => {
  const gray = Uint8Array.from([1, 2, 3, 4]);
  let release!: () => void;
  const later = { shape: [2, 2], data: () => new Promise<Uint8Array>((resolve) => (release = () => resolve(gray))) };
  const never = { shape: [2, 2], data: () => new Promise<Uint8Array>(() => {}) };
  const t0 = Date.now();
  const { dir, lines } = await runWith(
    () => {
      swanlab.log({ later: new swanlab.Image(later), never: new swanlab.Image(never), loss: 1 });
      setTimeout(() => release(), 50);
    },
    { exitFlushTimeoutMs: 400 },
  );
  assert.ok(Date.now() - t0 < 3000);
  assert.deepEqual(pointStrings(dir), ['loss@0=1']);
  assert.deepEqual(mediaRecords(dir).map((r) => r.key), ['later']);
  assert.deepEqual(lines, ["swanlab: log(): key \"never\" step 0: Image dropped: the run finished before the tensor's data() resolved (reported once per key)"]);
});
