// examples/train-mlp.ts is a tested example (undici's test/examples.js habit): its exported
// train() runs in a temporary working directory, and the run file it leaves must hold exactly
// the metrics, steps and config the example promises, from a model that actually learned.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import YAML from 'yaml';
import { readRun } from 'swanlab-node';
import { train } from '../examples/train-mlp.js';
import { isSystemKey } from './helpers.js';

const root = path.resolve(__dirname, '..');
// By URL: `--import tsx` would be resolved from the temporary working directory.
const tsxLoader = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;

interface Series {
  steps: number[];
  values: number[];
}

/** The scalar records of a run, grouped by key, in file order; and the record kinds in order. */
function scalars(runDir: string): { byKey: Map<string, Series>; kinds: string[] } {
  const byKey = new Map<string, Series>();
  const kinds: string[] = [];
  const reader = readRun(runDir);
  for (const r of reader) {
    kinds.push(r.recordType.case ?? 'none');
    if (r.recordType.case !== 'scalar') continue;
    const s = r.recordType.value;
    if (isSystemKey(s.key)) continue; // the hardware monitor's
    let series = byKey.get(s.key);
    if (!series) byKey.set(s.key, (series = { steps: [], values: [] }));
    series.steps.push(Number(s.step));
    series.values.push(s.value?.number ?? NaN);
  }
  assert.equal(reader.stoppedAt, null, 'the run file reads to a clean end');
  return { byKey, kinds };
}

function tempCwd(prefix: string): { dir: string; remove(): void } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('train() logs every iteration and each validation, with config, and learns', async () => {
  const tmp = tempCwd('swanlab-example-');
  const cwd = process.cwd();
  process.chdir(tmp.dir);
  const iterations = 1000;
  const evalEvery = 50;
  try {
    const r = await train({ iterations, evalEvery, verbose: false });

    assert.equal(path.dirname(r.runDir), path.join(tmp.dir, 'swanlog'), 'the run folder is under ./swanlog of the working directory');
    const { byKey, kinds } = scalars(r.runDir);
    assert.deepEqual([...byKey.keys()].sort(), ['train/acc', 'train/loss', 'val/acc', 'val/loss']);

    const everyIteration = Array.from({ length: iterations }, (_, i) => i);
    const evalSteps = [...Array.from({ length: iterations / evalEvery }, (_, i) => i * evalEvery), iterations - 1];
    assert.deepEqual(r.evalSteps, evalSteps);
    assert.deepEqual(byKey.get('train/loss')!.steps, everyIteration, 'train/loss: implicit steps 0..n-1');
    assert.deepEqual(byKey.get('train/acc')!.steps, everyIteration, 'train/acc: implicit steps 0..n-1');
    assert.deepEqual(byKey.get('val/loss')!.steps, evalSteps, 'val/loss: the explicit steps given');
    assert.deepEqual(byKey.get('val/acc')!.steps, evalSteps, 'val/acc: the explicit steps given');

    for (const key of ['train/loss', 'val/loss']) {
      for (const v of byKey.get(key)!.values) assert.ok(Number.isFinite(v) && v >= 0, `${key} value ${v} is a finite cross-entropy`);
    }
    for (const key of ['train/acc', 'val/acc']) {
      for (const v of byKey.get(key)!.values) assert.ok(v >= 0 && v <= 1, `${key} value ${v} is an accuracy`);
    }

    // It learned: the logged validation accuracy is the returned one and far above chance (0.5),
    // and validation loss fell from its first value.
    const valAcc = byKey.get('val/acc')!.values;
    const valLoss = byKey.get('val/loss')!.values;
    assert.equal(valAcc.at(-1), r.finalValAcc);
    assert.equal(valLoss.at(-1), r.finalValLoss);
    assert.ok(r.finalValAcc > 0.8, `final val/acc ${r.finalValAcc} is well above chance ${r.chance}`);
    assert.ok(valLoss.at(-1)! < valLoss[0]! / 2, `val/loss fell from ${valLoss[0]} to ${valLoss.at(-1)}`);

    assert.equal(kinds[0], 'start');
    assert.equal(kinds.at(-1), 'finish', 'finish() wrote the FinishRecord last');

    const config = YAML.parse(fs.readFileSync(path.join(r.runDir, 'files', 'config.yaml'), 'utf8')) as Record<string, { value: unknown }>;
    assert.equal(config.lr?.value, 0.1);
    assert.equal(config.iterations?.value, iterations);
    assert.equal(config.hidden?.value, 32);
    assert.equal(config.parameters?.value, 32 * 2 + 32 + 2 * 32 + 2, 'config.update() after init() reached config.yaml');
  } finally {
    process.chdir(cwd);
    tmp.remove();
  }
});

test('the example runs as a script and prints its run folder', () => {
  const tmp = tempCwd('swanlab-example-cli-');
  try {
    const out = execFileSync(process.execPath, ['--import', tsxLoader, path.join(root, 'examples', 'train-mlp.ts'), '200'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const m = /^run folder: (.+)$/m.exec(out);
    assert.ok(m, `prints the run folder:\n${out}`);
    const runDir = m[1]!;
    assert.equal(path.dirname(runDir), path.join(tmp.dir, 'swanlog'));
    const { byKey } = scalars(runDir);
    assert.equal(byKey.get('train/loss')?.steps.length, 200);
    assert.deepEqual(byKey.get('val/acc')?.steps, [0, 100, 199]);
    assert.match(out, /200 iterations in [\d.]+ s: final val\/acc [\d.]+ %/);
  } finally {
    tmp.remove();
  }
});
