// log() validation on the main thread (spec 2.1 and the issue): keys, values, steps; one
// stderr line per (key, rule) and the metric dropped by default; strict mode throws and writes
// nothing of the call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { captureStderr, pointStrings, tempDir } from './helpers.js';

test('values: numbers (NaN, ±Infinity kept), booleans, safe bigints and numeric strings are recorded as floats', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  swanlab.log({
    n: 1.5, nan: NaN, inf: Infinity, ninf: -Infinity, t: true, f: false, big: 42n, nbig: -(2n ** 53n - 1n),
    s1: '3.5', s2: ' 1e-3 ', s3: 'nan', s4: 'inf', s5: '-Infinity', s6: '+7', s7: '.5', s8: '1_000',
  });
  await swanlab.finish();
  assert.deepEqual(pointStrings(run.dir), [
    'n@0=1.5', 'nan@0=NaN', 'inf@0=Infinity', 'ninf@0=-Infinity', 't@0=1', 'f@0=0', 'big@0=42', `nbig@0=${-(2 ** 53 - 1)}`,
    's1@0=3.5', 's2@0=0.001', 's3@0=NaN', 's4@0=Infinity', 's5@0=-Infinity', 's6@0=7', 's7@0=0.5', 's8@0=1000',
  ]);
});

test('invalid values: one stderr line per (key, rule) naming key, value and rule; the metric is dropped, the rest logged; a count at finish', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const { lines } = await captureStderr(async () => {
    for (let i = 0; i < 3; i++) {
      swanlab.log({ ok: i, s: 'abc', e: '', dots: '1.2.3', nul: null, und: undefined, arr: [1, 2], fn: () => 1, date: new Date(0), huge: 2n ** 60n } as never);
    }
    await swanlab.finish();
  });
  assert.deepEqual(pointStrings(run.dir), ['ok@0=0', 'ok@1=1', 'ok@2=2']);
  const errors = lines.filter((l) => l.startsWith('swanlab: log(): key'));
  assert.equal(errors.length, 9, errors.join('\n'));
  assert.ok(errors.some((l) => l.includes('key "s": value "abc" (string) is not a number')));
  assert.ok(errors.some((l) => l.includes('key "e": value "" (string) is not a number')));
  assert.ok(errors.some((l) => l.includes('key "dots": value "1.2.3" (string)')));
  assert.ok(errors.some((l) => l.includes('key "nul": value null is not a loggable value')));
  assert.ok(errors.some((l) => l.includes('key "und": value undefined')));
  assert.ok(errors.some((l) => l.includes('key "arr": value an array of length 2')));
  assert.ok(errors.some((l) => l.includes('key "fn": value function fn')));
  assert.ok(errors.some((l) => l.includes('key "date": value a Date')));
  assert.ok(errors.some((l) => l.includes('key "huge": value 1152921504606846976n (bigint) is outside the safe integer range')));
  assert.ok(lines.includes('swanlab: 27 values were dropped by log() validation (reasons above)'), lines.join('\n'));
});

test('strict mode: TypeError / RangeError with a code, and nothing of that call is written', async () => {
  const run = swanlab.init({ logdir: tempDir(), strict: true });
  swanlab.log({ a: 1 });
  assert.throws(() => swanlab.log({ a: 2, b: 'abc' }), (e: Error & { code?: string }) => e instanceof TypeError && e.code === 'SWANLAB_INVALID_VALUE' && /key "b": value "abc"/.test(e.message));
  assert.throws(() => swanlab.log({ a: 3, big: 2n ** 64n }), (e: Error & { code?: string }) => e instanceof RangeError && e.code === 'SWANLAB_INVALID_VALUE');
  assert.throws(() => swanlab.log({ a: 4, nested: { x: null } } as never), (e: Error) => e instanceof TypeError && /key "nested\/x": value null/.test(e.message));
  assert.throws(() => swanlab.log({ a: 5, ' /': 1 }), (e: Error & { code?: string }) => e instanceof TypeError && e.code === 'SWANLAB_INVALID_KEY');
  assert.throws(() => swanlab.log({ a: 6 }, -1), (e: Error & { code?: string }) => e instanceof RangeError && e.code === 'SWANLAB_INVALID_STEP');
  assert.throws(() => swanlab.log({ a: 7 }, 1.5), RangeError);
  assert.throws(() => swanlab.log({ a: 8 }, 2 ** 53), RangeError);
  assert.throws(() => swanlab.log({ a: 9 }, '3' as never), (e: Error & { code?: string }) => e instanceof TypeError && e.code === 'SWANLAB_INVALID_STEP');
  assert.throws(() => swanlab.log(5 as never), TypeError);
  swanlab.log({ a: 10 });
  await swanlab.finish();
  assert.deepEqual(pointStrings(run.dir), ['a@0=1', 'a@1=10']);
});

test('bad steps: an error, and nothing of the call is written (default mode)', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const { lines } = await captureStderr(async () => {
    swanlab.log({ a: 1 }, -3);
    swanlab.log({ a: 1 }, NaN);
    swanlab.log({ a: 1 }, null as never);
    swanlab.log({ a: 2 }, 7);
    await swanlab.finish();
  });
  assert.deepEqual(pointStrings(run.dir), ['a@7=2']);
  assert.ok(lines.some((l) => l.includes('log(): step -3 (number) must be a non-negative safe integer')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('log(): step null must be a number')), lines.join('\n'));
});

test('keys: nested objects flatten with "/", " \\t\\n\\r./" stripped at both ends, first value wins on a collision', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const { lines } = await captureStderr(async () => {
    swanlab.log({ train: { loss: 1, opt: { lr: 0.1 } }, ' /val/acc./ ': 0.5, 'a': 1, ' a': 2, '\ta.': 3 });
    await swanlab.finish();
  });
  assert.deepEqual(pointStrings(run.dir), ['train/loss@0=1', 'train/opt/lr@0=0.1', 'val/acc@0=0.5', 'a@0=1']);
  assert.ok(lines.some((l) => l.includes('key "a" appears twice in one call')), lines.join('\n'));
});

test('keys: empty after stripping or with control characters is an error; longer than 512 is cut and warned once', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const long = 'k'.repeat(600);
  const { lines } = await captureStderr(async () => {
    swanlab.log({ './ ': 1, 'a\u0001b': 2, [long]: 3, ok: 4 });
    swanlab.log({ [long]: 5 });
    await swanlab.finish();
  });
  assert.deepEqual(pointStrings(run.dir), [`${'k'.repeat(512)}@0=3`, 'ok@0=4', `${'k'.repeat(512)}@1=5`]);
  assert.ok(lines.some((l) => l.includes('key "./ " is empty after stripping')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('contains control characters')), lines.join('\n'));
  assert.equal(lines.filter((l) => l.includes('longer than 512 characters')).length, 1, lines.join('\n'));
});

test('log before init, and after finish, throws a clear error', async () => {
  assert.throws(() => swanlab.log({ a: 1 }), (e: Error & { code?: string }) => e.code === 'SWANLAB_NO_RUN' && /call swanlab\.init\(\) first/.test(e.message));
  const run = swanlab.init({ logdir: tempDir() });
  // The same record many times first: its compiled fast path must close with the run too.
  for (let i = 0; i < 10; i++) run.log({ a: i });
  const finishing = run.finish();
  assert.throws(() => run.log({ a: 1 }), (e: Error & { code?: string }) => e.code === 'SWANLAB_NO_RUN' && /is finished/.test(e.message));
  await finishing;
  assert.throws(() => run.log({ a: 1 }), (e: Error & { code?: string }) => e.code === 'SWANLAB_NO_RUN');
  assert.throws(() => swanlab.log({ a: 1 }), (e: Error & { code?: string }) => e.code === 'SWANLAB_NO_RUN');
  assert.deepEqual(pointStrings(run.dir), Array.from({ length: 10 }, (_, i) => `a@${i}=${i}`));
});

test('an array is refused even after a record whose keys are array indices took the fast path', async () => {
  const run = swanlab.init({ logdir: tempDir(), strict: true });
  for (let i = 0; i < 3; i++) swanlab.log({ '0': i });
  assert.throws(() => swanlab.log([7] as never), (e: Error & { code?: string }) => e.code === 'SWANLAB_INVALID_VALUE' && /must be an object/.test(e.message));
  await swanlab.finish();
  assert.deepEqual(pointStrings(run.dir), ['0@0=0', '0@1=1', '0@2=2']);
});

test('disabled mode validates and writes nothing', async () => {
  const logdir = tempDir();
  const run = swanlab.init({ logdir, mode: 'disabled', strict: true });
  swanlab.log({ a: 1 });
  assert.throws(() => swanlab.log({ a: 'x' }), TypeError);
  await swanlab.finish();
  assert.equal(run.mode, 'disabled');
  const { readdirSync } = await import('node:fs');
  assert.deepEqual(readdirSync(logdir), []);
});

test('the compiled fast path: alternating key lists, odd key names, and values that stop being numbers', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const odd = { 'q"uote': 1, 'back\\slash': 2, 'line\u2028sep': 3, '${x}': 4, '10': 5, 'a b': 6 };
  const { lines } = await captureStderr(async () => {
    for (let i = 0; i < 3; i++) {
      swanlab.log({ loss: i, acc: i / 10 });
      swanlab.log({ acc: -i, loss: -i }); // same keys, other order: its own writer
      swanlab.log(odd);
    }
    swanlab.log({ loss: '7', acc: 0.5 }); // a string after the writer was compiled: converted
    swanlab.log({ loss: 'x', acc: 0.6 }); // and an invalid one: reported, the rest kept
    swanlab.log({ loss: 8, acc: { deep: 1 } }); // a nested object now: flattened
    await swanlab.finish();
  });
  const pts = pointStrings(run.dir);
  const loss = pts.filter((p) => p.startsWith('loss@'));
  assert.deepEqual(loss, ['loss@0=0', 'loss@1=0', 'loss@2=1', 'loss@3=-1', 'loss@4=2', 'loss@5=-2', 'loss@6=7', 'loss@7=8']);
  const acc = pts.filter((p) => p.startsWith('acc@'));
  assert.deepEqual(acc, ['acc@0=0', 'acc@1=0', 'acc@2=0.1', 'acc@3=-1', 'acc@4=0.2', 'acc@5=-2', 'acc@6=0.5', 'acc@7=0.6']);
  assert.deepEqual(pts.filter((p) => p.startsWith('acc/deep')), ['acc/deep@0=1']);
  for (const [k, v] of Object.entries(odd)) {
    assert.deepEqual(pts.filter((p) => p.startsWith(`${k}@`)), [`${k}@0=${v}`, `${k}@1=${v}`, `${k}@2=${v}`], k);
  }
  assert.equal(lines.filter((l) => l.includes('key "loss": value "x"')).length, 1, lines.join('\n'));
});

// Short key lists are checked by a switch of literals, longer ones (over 4 keys) against an
// array (shape-writer.ts): both must catch every change to a record the program reuses.
for (const size of [4, 20]) {
  test(`a reused ${size}-key record that gains, loses or renames a key leaves the compiled path, and nothing is dropped`, async () => {
    const run = swanlab.init({ logdir: tempDir(), strict: true });
    const names = Array.from({ length: size }, (_, i) => `m${i}`);
    const rec: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
    const logAll = (v: number): void => {
      for (const k of names) if (k in rec) rec[k] = v;
      swanlab.log(rec);
    };
    for (let i = 0; i < 3; i++) logAll(i); // compiled by now
    rec.extra = 9;
    logAll(3); // one key more: extra must be recorded
    delete rec.extra;
    delete rec[names[size - 1]!];
    logAll(4); // one key fewer
    rec.renamed = 5;
    logAll(5); // as many keys as the compiled list, the last one another
    // The compiled list's names as getters on a prototype, the record's own keys others:
    // the same count of keys, none of them the compiled ones.
    const proto = Object.fromEntries(names.map((k) => [k, 0]));
    const other = Object.assign(Object.create(Object.defineProperties({}, Object.fromEntries(names.map((k) => [k, { get: () => 7, enumerable: false }])))), Object.fromEntries(names.map((k) => [`own/${k}`, 6])));
    swanlab.log(proto);
    swanlab.log(other);
    await swanlab.finish();
    const pts = pointStrings(run.dir);
    const at = (key: string): string[] => pts.filter((p) => p.startsWith(`${key}@`));
    assert.deepEqual(at('extra'), ['extra@0=9']);
    assert.deepEqual(at('renamed'), ['renamed@0=5']);
    assert.deepEqual(at('m0'), ['m0@0=0', 'm0@1=1', 'm0@2=2', 'm0@3=3', 'm0@4=4', 'm0@5=5', 'm0@6=0']);
    assert.deepEqual(at(names[size - 1]!), [`${names[size - 1]}@0=0`, `${names[size - 1]}@1=1`, `${names[size - 1]}@2=2`, `${names[size - 1]}@3=3`, `${names[size - 1]}@4=0`]);
    assert.deepEqual(at('own/m0'), ['own/m0@0=6']);
    assert.equal(pts.filter((p) => p.startsWith('own/')).length, size);
    // m*: 7 records of `size` keys, less the deleted one twice; extra and renamed; own/*.
    assert.equal(pts.length, 8 * size);
  });
}

test('an array is refused after a record of 16 index keys (checked against an array) took the fast path', async () => {
  const run = swanlab.init({ logdir: tempDir(), strict: true });
  const rec = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [String(i), i]));
  for (let i = 0; i < 3; i++) swanlab.log(rec);
  assert.throws(() => swanlab.log(Array.from({ length: 16 }, (_, i) => i) as never), (e: Error & { code?: string }) => e.code === 'SWANLAB_INVALID_VALUE' && /must be an object/.test(e.message));
  await swanlab.finish();
  assert.equal(pointStrings(run.dir).length, 48);
});
