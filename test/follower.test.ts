// The run-file follower (src/format/follower.ts), which online uploads and sync read with: fed
// a file that grows in pieces of any size, it returns each record once, in order, exactly what
// readRun returns for the whole file; a torn end is "not yet" until a final read says so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { RunFileFollower } from '../src/format/follower.js';
import { readRun } from '../src/format/index.js';
import { tempDir } from './helpers.js';

const GOLDEN = path.join(__dirname, '..', '..', 'shared', 'testdata', 'swanlab-0.9.7', 'run-20261126_000000-golden01', 'run-golden01.swanlab');
const bytes = fs.readFileSync(GOLDEN);
const expected = [...readRun(GOLDEN).payloads()].map((p) => Buffer.from(p).toString('hex'));

test('a file growing in random pieces is followed record by record, each once, in order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 3000 }), (cuts, max) => {
      const file = path.join(tempDir('swanlab-follow-'), 'run-x.swanlab');
      fs.writeFileSync(file, '');
      const follower = new RunFileFollower(file);
      const got: string[] = [];
      let at = 0;
      try {
        for (const c of cuts) {
          const next = Math.min(bytes.length, at + c);
          fs.appendFileSync(file, bytes.subarray(at, next));
          at = next;
          for (let r = follower.readPayloads(max); r.length > 0; r = follower.readPayloads(max)) {
            assert.ok(r.length <= max);
            got.push(...r.map((p) => Buffer.from(p.payload).toString('hex')));
          }
          assert.equal(follower.stoppedAt, null, 'a partial tail is not an error while the file grows');
        }
        fs.appendFileSync(file, bytes.subarray(at));
        for (let r = follower.readPayloads(max, true); r.length > 0; r = follower.readPayloads(max, true)) got.push(...r.map((p) => Buffer.from(p.payload).toString('hex')));
        assert.equal(follower.countAhead(), 0);
      } finally {
        follower.close();
      }
      assert.deepEqual(got, expected);
      assert.equal(follower.stoppedAt, null);
    }),
    { numRuns: 15 },
  );
});

test('a final read of a torn file stops at the tear, and countAhead counts what is left unread', () => {
  const file = path.join(tempDir('swanlab-follow-'), 'run-x.swanlab');
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 997));
  const follower = new RunFileFollower(file);
  try {
    assert.equal(follower.countAhead(), 6007);
    const first = follower.read(10);
    assert.equal(first[0]!.recordType.case, 'start');
    assert.equal(follower.countAhead(), 5997);
    let n = first.length;
    for (let r = follower.read(1000, true); r.length > 0; r = follower.read(1000, true)) n += r.length;
    assert.equal(n, 6007);
    assert.match(follower.stoppedAt?.reason ?? '', /file ends inside the record that starts at offset \d+/);
  } finally {
    follower.close();
  }
});
