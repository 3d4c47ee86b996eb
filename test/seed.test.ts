// The seed's own examples (shared/seed/log-experiment-metrics.md), in TypeScript, with the
// exact steps it states: per-key implicit steps, "/" grouping, explicit steps, first value wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { captureStderr, pointStrings, records, tempDir } from './helpers.js';

test('seed: each key counts its own steps (loss 0,1,2; acc 0; iter 0,1)', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline' });
  const loss = 0.5, acc = 0.8, iter = 3;
  swanlab.log({ loss: loss, acc: acc });
  // In this record, loss has step 0, acc has step 0
  swanlab.log({ loss: loss, iter: iter });
  // In this record, loss has step 1, iter has step 0, acc has step 0
  swanlab.log({ loss: loss, iter: iter });
  // In this record, loss has step 2, iter has step 1, acc has step 0
  await swanlab.finish();
  assert.deepEqual(pointStrings(run.dir), ['loss@0=0.5', 'acc@0=0.8', 'loss@1=0.5', 'iter@0=3', 'loss@2=0.5', 'iter@1=3']);
});

test('seed: a "/" prefix groups charts (train/loss and train/batch_cost under "train", val/acc under "val")', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  swanlab.log({ 'train/loss': 1.5 });
  swanlab.log({ 'train/batch_cost': 0.02 });
  swanlab.log({ 'val/acc': 0.7 });
  swanlab.log({ plain: 1 });
  await swanlab.finish();
  const columns = records(run.dir)
    .filter((r) => r.recordType.case === 'column')
    .map((r) => {
      const c = r.recordType.value as { columnKey: string; sectionName: string; sectionType: number; columnClass: number; columnType: number };
      return [c.columnKey, c.sectionName, c.sectionType, c.columnClass, c.columnType];
    });
  // section_type PUBLIC = 3, column_class CUSTOM = 1, column_type SCALAR = 1 (spec 1.3)
  assert.deepEqual(columns, [
    ['train/loss', 'train', 3, 1, 1],
    ['train/batch_cost', 'train', 3, 1, 1],
    ['val/acc', 'val', 3, 1, 1],
    ['plain', '', 3, 1, 1],
  ]);
});

test('seed: explicit steps align metrics logged at different rates', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  for (let iter = 0; iter < 3001; iter++) {
    const loss = 1 / (iter + 1);
    swanlab.log({ 'train/loss': loss }, iter);
    if (iter % 1000 === 0) {
      const acc = iter / 3000;
      swanlab.log({ 'val/acc': acc }, iter);
    }
  }
  await swanlab.finish();
  const pts = pointStrings(run.dir);
  const val = pts.filter((p) => p.startsWith('val/acc@'));
  assert.deepEqual(val, ['val/acc@0=0', 'val/acc@1000=0.3333333333333333', 'val/acc@2000=0.6666666666666666', 'val/acc@3000=1']);
  const train = pts.filter((p) => p.startsWith('train/loss@'));
  assert.equal(train.length, 3001);
  assert.deepEqual(train.slice(0, 2), ['train/loss@0=1', 'train/loss@1=0.5']);
  assert.equal(train[3000], `train/loss@3000=${1 / 3001}`);
});

test('seed: a second value for the same (key, step) is dropped, the first kept, one warning per key, counted at finish', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const { lines } = await captureStderr(async () => {
    swanlab.log({ acc: 0.1, loss: 1 }, 5);
    swanlab.log({ acc: 0.2, loss: 2 }, 5);
    swanlab.log({ acc: 0.3 }, 5);
    swanlab.log({ acc: 0.4 });
    await swanlab.finish();
  });
  assert.deepEqual(pointStrings(run.dir), ['acc@5=0.1', 'loss@5=1', 'acc@6=0.4']);
  const perKey = lines.filter((l) => l.includes('already has a value at step 5'));
  assert.equal(perKey.length, 2, lines.join('\n'));
  assert.ok(perKey.some((l) => l.includes('"acc"')) && perKey.some((l) => l.includes('"loss"')));
  assert.ok(lines.some((l) => /^swanlab: 3 values were dropped because a value at the same \(key, step\) came first/.test(l)), lines.join('\n'));
});

test('seed: an implicit step after explicit ones continues from the key\'s largest step', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  swanlab.log({ x: 1 }, 100);
  swanlab.log({ x: 2 }, 10);
  swanlab.log({ x: 3 });
  swanlab.log({ y: 4 });
  await swanlab.finish();
  assert.deepEqual(pointStrings(run.dir), ['x@100=1', 'x@10=2', 'x@101=3', 'y@0=4']);
});
