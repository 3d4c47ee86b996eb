// Media and the ways a script ends (test/fixtures/media-train-loop.mjs): a loop logging a
// scalar every step and an image every 100 steps has every image file on disk, and every
// MediaRecord before the FinishRecord, whether the script just ends or calls process.exit()
// at once (the synchronous exit flush waits for the pool). Data that can no longer come (a
// tensor's pending data() at exit) is reported, not waited for.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readRun } from 'swanlab-node';
import { RunState } from '../src/format/index.js';
import { tempDir } from './helpers.js';

const fixture = path.join(__dirname, 'fixtures', 'media-train-loop.mjs');

function run(how: string, logdir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fixture, logdir, how], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const hang = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`fixture "${how}" hung; stderr: ${stderr}`));
    }, 20_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, stderr });
    });
  });
}

function pixels(step: number): Uint8Array {
  const px = new Uint8Array(64 * 64 * 4);
  for (let i = 0; i < px.length; i++) px[i] = (i * 31 + step) % 256;
  return px;
}

for (const how of ['end', 'exit', 'late']) {
  test(`a loop with an image every 100 steps, ended by "${how}": 1000 scalars, 10 images on disk, then the FinishRecord`, async () => {
    const logdir = tempDir();
    const { code, stderr } = await run(how, logdir);
    assert.equal(code, 0, stderr);
    const [name] = fs.readdirSync(logdir).filter((n) => n.startsWith('run-'));
    const dir = path.join(logdir, name!);
    const reader = readRun(dir);
    const kinds: string[] = [];
    let scalars = 0;
    const media: { step: number; filename: string; sha256: string; caption: string }[] = [];
    let finish: string | undefined;
    for (const r of reader) {
      const v = r.recordType;
      kinds.push(v.case ?? '?');
      if (v.case === 'scalar') scalars++;
      if (v.case === 'media') {
        assert.equal(v.value.key, 'sample');
        const item = v.value.value!.items[0]!;
        media.push({ step: Number(v.value.step), filename: item.filename, sha256: item.sha256, caption: item.caption });
      }
      if (v.case === 'finish') finish = RunState[v.value.state];
    }
    assert.equal(reader.stoppedAt, null);
    assert.equal(finish, 'FINISHED');
    assert.equal(kinds.at(-1), 'finish');
    assert.equal(scalars, 1000);
    assert.deepEqual(media.map((m) => m.step), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { decode } = await import('fast-png');
    for (const [i, m] of media.entries()) {
      assert.equal(m.caption, `step ${i * 100}`);
      const bytes = fs.readFileSync(path.join(dir, 'media', 'image', m.filename));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), m.sha256);
      assert.deepEqual(Buffer.from(decode(bytes).data as Uint8Array), Buffer.from(pixels(i * 100)));
    }
    // No temporary file is left behind.
    assert.deepEqual(fs.readdirSync(path.join(dir, 'media', 'image')).filter((f) => f.endsWith('.tmp')), []);
    if (how === 'late') {
      assert.match(stderr, /swanlab: log\(\): key "never" step 0: Image dropped: the run finished before the tensor's data\(\) resolved/);
    } else {
      assert.doesNotMatch(stderr, /log\(\)/);
    }
  });
}
