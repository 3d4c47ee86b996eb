// init(): options and their errors, the run folder (spec 1.1-1.4), config.yaml, the record
// stream's first and last records, and how soon a record reaches the file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { records, tempDir, waitFor } from './helpers.js';

const code = (c: string) => (e: Error & { code?: string }) => e.code === c;

test('bad options get an error naming the option', () => {
  const logdir = tempDir();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ project: 'has space' }, /option project must be 1-100 characters/],
    [{ workspace: 'x'.repeat(26) }, /option workspace must be 1-25 characters/],
    [{ tags: 'a' }, /option tags must be an array/],
    [{ tags: Array(31).fill('t') }, /option tags must hold at most 30/],
    [{ mode: 'fast' }, /option mode must be one of/],
    [{ id: 'a/b' }, /option id must not contain/],
    [{ ringBytes: 5000 }, /option ringBytes must be a power of two/],
    [{ ringBytes: 16 }, /option ringBytes must be an integer from 4096/],
    [{ strict: 'yes' }, /option strict must be a boolean/],
    [{ config: [1] }, /option config must be a plain object/],
    [{ experiment_name: 'x' }, /unknown option experiment_name; did you mean experimentName\?/],
    [{ exitFlushTimeoutMs: -1 }, /option exitFlushTimeoutMs must be an integer/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(() => swanlab.init({ logdir, ...opts } as never), (e: Error & { code?: string }) => e.code === 'SWANLAB_INVALID_OPTION' && re.test(e.message), JSON.stringify(opts));
  }
  assert.equal(swanlab.getRun(), undefined);
  assert.deepEqual(fs.readdirSync(logdir), [], 'a rejected init creates nothing');
});

test('online and cloud modes without an API key say how to get one (test/online.test.ts has the rest)', () => {
  for (const mode of ['online', 'cloud'] as const) {
    assert.throws(() => swanlab.init({ logdir: tempDir(), mode }), (e: Error & { code?: string }) => e.code === 'SWANLAB_AUTH' && /needs a SwanLab API key/.test(e.message));
  }
});

test('the run folder: .gitignore in a new logdir, run-YYYYMMDD_HHMMSS-<id>/run-<id>.swanlab, files/config.yaml', async () => {
  const logdir = path.join(tempDir(), 'nested', 'swanlog');
  const run = swanlab.init({ project: 'mnist', experimentName: 'baseline', description: 'lr sweep', tags: ['a', 'b'], config: { lr: 0.01, layers: [64, 32] }, logdir });
  assert.match(run.id, /^[a-z0-9]{8}$/);
  assert.equal(run.name, 'baseline');
  assert.equal(run.mode, 'offline');
  assert.ok(path.isAbsolute(run.dir));
  assert.equal(path.dirname(run.dir), logdir);
  assert.match(path.basename(run.dir), new RegExp(`^run-\\d{8}_\\d{6}-${run.id}$`));
  assert.equal(fs.readFileSync(path.join(logdir, '.gitignore'), 'utf8'), '*');
  swanlab.config.update({ batchSize: 128 });
  assert.equal(swanlab.config.batchSize, 128);
  assert.equal(run.config.get('lr'), 0.01);
  await swanlab.finish();
  assert.deepEqual(fs.readdirSync(run.dir).sort(), ['files', `run-${run.id}.swanlab`]);
  assert.equal(
    fs.readFileSync(path.join(run.dir, 'files', 'config.yaml'), 'utf8'),
    "batchSize:\n  desc: ''\n  sort: 2\n  value: 128\nlayers:\n  desc: ''\n  sort: 1\n  value:\n  - 64\n  - 32\nlr:\n  desc: ''\n  sort: 0\n  value: 0.01\n",
  );
  const recs = records(run.dir);
  const first = recs[0]!;
  assert.equal(first.recordType.case, 'start');
  assert.equal(Number(first.num), -1);
  const start = first.recordType.value as { project: string; name: string; description: string; tags: string[]; id: string; color: string; startedAt?: unknown };
  assert.equal(start.project, 'mnist');
  assert.equal(start.name, 'baseline');
  assert.equal(start.description, 'lr sweep');
  assert.deepEqual(start.tags, ['a', 'b']);
  assert.equal(start.id, run.id);
  assert.match(start.color, /^#[0-9a-f]{6}$/);
  assert.ok(start.startedAt);
  // The environment snapshot's saves (metadata -4, requirements -5) are test/environment.test.ts's.
  const saves = recs.filter((r) => r.recordType.case === 'save' && r.recordType.value.name === 'config');
  assert.equal(saves.length, 2, 'one config save at init, one after update');
  for (const s of saves) {
    assert.equal(Number(s.num), -3);
    const v = s.recordType.value as { name: string; sourcePath: string; type: number };
    assert.equal(v.name, 'config');
    assert.equal(v.sourcePath, path.join(run.dir, 'files', 'config.yaml'));
    assert.equal(v.type, 1, 'SaveType CONFIG');
  }
  const last = recs[recs.length - 1]!;
  assert.equal(last.recordType.case, 'finish');
  assert.equal(Number(last.num), -2);
  assert.equal((last.recordType.value as { state: number }).state, 1, 'FINISHED');
  // A second logdir use does not rewrite .gitignore: it is written only for a new logdir.
  fs.writeFileSync(path.join(logdir, '.gitignore'), 'mine');
  const again = swanlab.init({ logdir });
  await swanlab.finish();
  assert.equal(fs.readFileSync(path.join(logdir, '.gitignore'), 'utf8'), 'mine');
  assert.notEqual(again.dir, run.dir);
});

test('a generated name looks like adjective-animal-NN; a given id is used', async () => {
  const run = swanlab.init({ logdir: tempDir(), id: 'myrun-1' });
  assert.match(run.name, /^[a-z]+-[a-z]+-\d{2}$/);
  assert.equal(run.id, 'myrun-1');
  await swanlab.finish();
  assert.ok(fs.existsSync(path.join(run.dir, 'run-myrun-1.swanlab')));
});

test('a second init() while a run is alive fails unless reinit: true, which finishes the first run', async () => {
  const first = swanlab.init({ logdir: tempDir() });
  swanlab.log({ a: 1 });
  assert.throws(() => swanlab.init({ logdir: tempDir() }), code('SWANLAB_RUN_ACTIVE'));
  const second = swanlab.init({ logdir: tempDir(), reinit: true });
  assert.equal(first.alive, false);
  assert.equal(swanlab.getRun(), second);
  const recs = records(first.dir);
  assert.equal(recs[recs.length - 1]!.recordType.case, 'finish');
  assert.ok(recs.some((r) => r.recordType.case === 'scalar'));
  await swanlab.finish();
  assert.equal(swanlab.getRun(), undefined);
});

test('environment: SWANLAB_LOG_DIR and SWANLAB_MODE are used when the options are absent', async () => {
  const logdir = tempDir();
  process.env.SWANLAB_LOG_DIR = logdir;
  process.env.SWANLAB_MODE = 'local';
  try {
    const run = swanlab.init();
    assert.equal(path.dirname(run.dir), logdir);
    assert.equal(run.mode, 'local');
    await swanlab.finish();
  } finally {
    delete process.env.SWANLAB_LOG_DIR;
    delete process.env.SWANLAB_MODE;
  }
});

test('a logged record reaches the file within about 100 ms, before finish()', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  try {
    // Once the worker is up (the StartRecord is on disk), time one log() to its arrival.
    assert.ok(await waitFor(() => fs.existsSync(run.dir) && fs.readdirSync(run.dir).some((f) => f.endsWith('.swanlab')) && records(run.dir).length > 0, 10_000), 'the run file has its first record');
    const t0 = performance.now();
    swanlab.log({ early: 42 });
    assert.ok(await waitFor(() => records(run.dir).some((r) => r.recordType.case === 'scalar' && r.recordType.value.key === 'early'), 2_000), 'the record reached the file within 2 s');
    const latency = performance.now() - t0;
    // The worker polls every 20 ms; the bound leaves room for a loaded CI machine.
    assert.ok(latency < 500, `the record took ${latency.toFixed(0)} ms to reach the file`);
  } finally {
    await swanlab.finish();
  }
});

test('finish() twice returns the same promise; the current run is cleared', async () => {
  const run = swanlab.init({ logdir: tempDir() });
  const a = run.finish();
  const b = swanlab.finish();
  assert.equal(a, b);
  await a;
  assert.equal(swanlab.getRun(), undefined);
  await swanlab.finish(); // no run: resolves
});

test('config: property access, set(), JSON-safe values, and an error after finish', async () => {
  const run = swanlab.init({ logdir: tempDir(), config: { nan: NaN, inf: -Infinity, when: new Date(0), nested: { a: [1, { b: 2n }] } } });
  swanlab.config.lr = 0.5;
  run.config.set('momentum', 0.9);
  assert.equal(swanlab.config.get('nan'), 'NaN');
  assert.equal(swanlab.config.inf, '-Inf');
  assert.equal(swanlab.config.when, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(run.config.toJSON(), { nan: 'NaN', inf: '-Inf', when: '1970-01-01T00:00:00.000Z', nested: { a: [1, { b: 2 }] }, lr: 0.5, momentum: 0.9 });
  assert.deepEqual(Object.keys(swanlab.config), ['nan', 'inf', 'when', 'nested', 'lr', 'momentum']);
  await swanlab.finish();
  const yaml = fs.readFileSync(path.join(run.dir, 'files', 'config.yaml'), 'utf8');
  assert.match(yaml, /momentum:\n  desc: ''\n  sort: 5\n  value: 0\.9\n/);
  assert.match(yaml, /nan:\n  desc: ''\n  sort: 0\n  value: NaN\n/);
  assert.throws(() => run.config.set('x', 1), code('SWANLAB_NO_RUN'));
  assert.throws(() => swanlab.config.update({ x: 1 }), code('SWANLAB_NO_RUN'));
});
