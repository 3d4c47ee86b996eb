// Per-key step bookkeeping in the worker (src/worker/step-set.ts) against a plain Set model,
// and the whole path with a ring so small that log() keeps waiting for the worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as swanlab from 'swanlab-node';
import { StepSet } from '../src/worker/step-set.js';
import { points, tempDir } from './helpers.js';

test('StepSet answers has()/max exactly like a Set of the steps added, in any order', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constant(-1)), { maxLength: 200 }), (ops) => {
      const s = new StepSet();
      const model = new Set<number>();
      for (const op of ops) {
        // -1 stands for an implicit step: largest + 1.
        const step = op === -1 ? (model.size === 0 ? 0 : Math.max(...model) + 1) : op;
        assert.equal(s.has(step), model.has(step));
        if (!model.has(step)) {
          s.add(step);
          model.add(step);
        }
        assert.equal(s.max, model.size === 0 ? -1 : Math.max(...model));
      }
      for (let i = -1; i < 70; i++) assert.equal(s.has(i), model.has(i), `step ${i}`);
    }),
    { numRuns: 500 },
  );
});

test('consecutive steps keep one interval however many there are (flat memory)', () => {
  const s = new StepSet();
  for (let i = 0; i < 1_000_000; i++) s.add(s.max + 1);
  assert.equal(s.intervals, 1);
  assert.equal(s.max, 999_999);
});

test('a 4 KiB ring: log() waits for the worker again and again, and every record arrives in order', async () => {
  const run = swanlab.init({ logdir: tempDir(), ringBytes: 4096 });
  const n = 20_000;
  for (let i = 0; i < n; i++) swanlab.log({ i, half: i / 2 });
  await swanlab.finish();
  const pts = points(run.dir);
  assert.equal(pts.length, 2 * n);
  for (let i = 0; i < n; i++) {
    assert.deepEqual(pts[2 * i], { key: 'i', step: i, value: i });
    assert.deepEqual(pts[2 * i + 1], { key: 'half', step: i, value: i / 2 });
  }
});
