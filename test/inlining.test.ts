// log() is inlined into the user's loop, its compiled writer included: called instead, it cost
// ~10 ns more a call in the bench's tight training loop (src/main/shape-writer.ts). V8 inlines
// by bytecode size, so this guards the size of the whole chain (api.ts log → Run.log →
// LogEncoder.log → logShape → RingWriter.reserve/clock/commitLazy) against growing past the
// budget. It reads V8's --trace-turbo-inlining, the same on Node 20 and 24.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers.js';

/** The trace of the fixture's loop logging `keys` metrics a call. */
function trace(keys: number): string {
  // Into a file, not a pipe: V8 writes its traces with C stdio to the same descriptor as
  // process.stdout, which Node makes non-blocking on a pipe, so lines past a full pipe are lost.
  const file = path.join(tempDir(), 'trace.txt');
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(
      process.execPath,
      ['--allow-natives-syntax', '--trace-turbo-inlining', '--no-concurrent-recompilation', path.join(__dirname, 'fixtures', 'inlined-log.mjs'), tempDir(), String(keys)],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', fd, 'pipe'] },
    );
    assert.equal(r.status, 0, r.stderr);
  } finally {
    fs.closeSync(fd);
  }
  return fs.readFileSync(file, 'utf8');
}

// Up to 5 metrics: past that the writer's own bytecode passes V8's 460-byte limit for any one
// function inlined (shape-writer.ts), and it is called. 4 keys: the switch key check; 5: the array.
for (const keys of [2, 4, 5]) {
  test(`a loop that logs ${keys} metrics a call has log()'s compiled writer inlined, although that writer has optimized code of its own`, () => {
    const out = trace(keys);
    // Which functions V8 inlined into userLoop, in the order it did.
    const inlined = [...out.matchAll(/<SharedFunctionInfo (\w+)>\} into \S+ \{\S+ <SharedFunctionInfo userLoop>\}/g)].map((m) => m[1]);
    assert.ok(/<SharedFunctionInfo logShape>\}, bytecode size: \d+, existing opt code's inlined bytecode size: \d+/.test(out), 'the writer had optimized code of its own when the loop was optimized');
    assert.ok(inlined.includes('logShape'), `inlined into the loop: ${inlined.join(', ')}`);
    assert.ok(inlined.includes('commitLazy') && inlined.includes('reserve'), `inlined into the loop: ${inlined.join(', ')}`);
  });
}
