// `swanlab-node sync` against the fake SwanLab server: a synced offline run holds exactly what
// an online run uploads; a second `sync --id` sends no data; a run killed with SIGKILL goes up
// to its tear and is CRASHED; a folder written by SwanLab 0.9.7 itself, whole or torn; media
// files before their metric; a legacy server; the command line's help, errors and summary.
import './fake-swanlab/env.js';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { runCli, type CliResult } from './fake-swanlab/cli.js';
import { ColumnType, RunState, SectionType, columnRecord, finishRecord, frameRecords, logRecord, mediaRecord, saveRecord, scalarRecord, startRecord, LogLevel, SaveType, RecordNum } from '../src/format/index.js';
import { entries, fileLogs, filePoints, serverLogs, serverPoints } from './fake-swanlab/env.js';
import { startFakeSwanlab, type FakeExperiment, type FakeSwanlab } from './fake-swanlab/server.js';
import { tempDir } from './helpers.js';

const KEY = 'test-key';
const GOLDEN = path.join(__dirname, '..', '..', 'shared', 'testdata', 'swanlab-0.9.7');
const BIN = path.join(__dirname, '..', 'dist', 'cjs', 'cli', 'index.js');
let fake: FakeSwanlab;

before(async () => {
  fake = await startFakeSwanlab();
});
after(() => fake.close());

/** Run the CLI in this process; returns the exit code and what it printed. */
function sync(...args: string[]): Promise<CliResult> {
  return runCli(['sync', '--api-key', KEY, '--host', fake.url, ...args]);
}

/** The experiment a `synced … (id X…)` summary line names. */
function synced(out: string): FakeExperiment {
  const id = /\(id ([^,)]+)/.exec(out)?.[1];
  assert.ok(id, out);
  return fake.experiment(id!);
}

function metricRequests(): number {
  return fake.requests.filter((r) => r.path === '/api/house/metrics' || r.path.endsWith('/series')).length;
}

describe('sync', () => {
  test('an online run and the sync of its folder give the server the same data', async () => {
    const run = swanlab.init({ mode: 'online', apiKey: KEY, apiHost: fake.url, logdir: tempDir(), project: 'sync-test', config: { lr: 0.1 } });
    await run.ready;
    for (let i = 0; i < 1500; i++) swanlab.log({ loss: 1 / (i + 1), 'eval/acc': i % 3 === 0 ? NaN : i / 1500 });
    swanlab.log({ late: 7 }, 42);
    await swanlab.finish();
    const r = await sync(run.dir);
    assert.equal(r.code, 0, r.err);
    const online = fake.experiment(run.id);
    const offline = synced(r.out);
    assert.notEqual(offline.cuid, online.cuid, 'a plain sync makes a new experiment');
    // Same items, create_time included.
    assert.deepEqual(entries(offline.scalars), entries(online.scalars));
    assert.deepEqual(offline.logs, online.logs);
    assert.deepEqual(entries(offline.columns), entries(online.columns));
    assert.deepEqual(offline.profile.config, online.profile.config);
    assert.deepEqual(offline.states.map((s) => [s.state, s.finishedAt]), online.states.map((s) => [s.state, s.finishedAt]));
    assert.equal(offline.createdAt, online.createdAt, 'createdAt is the run start');
    assert.equal(offline.body.colors, undefined, 'sync leaves the colour to the server (issue #1434)');
    assert.deepEqual(fake.violations, []);
  });

  test('an offline run: everything arrives; a second sync --id uploads nothing new', async () => {
    const run = swanlab.init({ mode: 'offline', logdir: tempDir(), project: 'sync-test' });
    for (let i = 0; i < 700; i++) swanlab.log({ a: i, b: -i });
    swanlab.log({ a: 1e9 }, 5000);
    await swanlab.finish();
    const first = await sync(run.dir, '--id', `offline-${run.id}`);
    assert.equal(first.code, 0, first.err);
    const e = fake.experiment(`offline-${run.id}`);
    assert.deepEqual(entries(serverPoints(e)), entries(filePoints(run.dir)));
    assert.deepEqual(serverLogs(e), fileLogs(run.dir));
    assert.match(first.out, /^synced .* -> http:\/\/127\.0\.0\.1:\d+\/@alice\/sync-test\/runs\/offline-\w+ \(id offline-\w+\): \d+ records uploaded; state FINISHED\n$/);

    const before = metricRequests();
    const stored = JSON.stringify([...e.scalars, e.logs, [...e.columns]]);
    const second = await sync(run.dir, '--id', `offline-${run.id}`);
    assert.equal(second.code, 0, second.err);
    assert.equal(metricRequests(), before, 'no metric or column request the second time');
    assert.equal(JSON.stringify([...e.scalars, e.logs, [...e.columns]]), stored);
    assert.equal(e.redeliveries, 0);
    assert.match(second.out, /\(id offline-\w+, resumed\): 0 records uploaded, \d+ already on the server; state FINISHED/);
    assert.deepEqual(fake.violations, []);
  });

  test('a run killed with SIGKILL: everything up to the tear goes up, state CRASHED with a note', async () => {
    const logdir = tempDir();
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'exit-sigkill.mjs'), logdir], { env: { ...process.env, SWANLAB_MODE: 'offline' } });
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => s.includes('logged') && resolve());
      child.on('close', () => reject(new Error('the fixture ended before logging')));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const dir = path.join(logdir, fs.readdirSync(logdir).find((n) => n.startsWith('run-'))!);
    const r = await sync(dir);
    assert.equal(r.code, 0, r.err);
    const e = synced(r.out);
    assert.deepEqual(entries(serverPoints(e)), entries(filePoints(dir)));
    assert.ok(serverPoints(e).get('last'), 'the last value, logged 300 ms before the kill, is there');
    assert.deepEqual(e.states.map((s) => s.state), ['CRASHED']);
    assert.deepEqual(e.logs.filter((l) => l.level === 'ERROR').map((l) => l.message), ['Run process was interrupted or killed before writing a finish record; uploaded by sync as CRASHED']);
    assert.match(r.out, /state CRASHED \(no finish record: the run was interrupted or killed\)/);
  });

  test('folders written by SwanLab 0.9.7 itself: whole, and torn mid-record', async () => {
    const whole = await sync(path.join(GOLDEN, 'run-20261126_000000-golden01'), '--project', 'golden');
    assert.equal(whole.code, 0, whole.err);
    const e = synced(whole.out);
    assert.deepEqual(entries(serverPoints(e)), entries(filePoints(path.join(GOLDEN, 'run-20261126_000000-golden01'))));
    assert.deepEqual(serverLogs(e), fileLogs(path.join(GOLDEN, 'run-20261126_000000-golden01')));
    assert.equal(e.logs.some((l) => String(l.message).length === 70_000), true, 'the 70 000-character line spanning three blocks');
    assert.ok([...e.columns.values()].some((c) => c.type === 'SYSTEM'), 'system columns as SYSTEM');
    assert.deepEqual(e.states.map((s) => s.state), ['FINISHED']);
    assert.equal(e.project, 'golden');

    const torn = await sync(path.join(GOLDEN, 'torn', 'run-20261126_000000-golden01'), '--project', 'golden');
    assert.equal(torn.code, 0, torn.err);
    const t = synced(torn.out);
    assert.deepEqual(entries(serverPoints(t)), entries(filePoints(path.join(GOLDEN, 'torn', 'run-20261126_000000-golden01'))));
    assert.deepEqual(t.states.map((s) => s.state), ['CRASHED']);
    assert.match(torn.out, /the file ends early at byte \d+ \(file ends inside the record that starts at offset \d+\), everything before it was read/);
    assert.deepEqual(fake.violations, []);
  });

  test('media: the files go up before their metric; captions in more; a missing file is skipped', async () => {
    const dir = path.join(tempDir(), 'run-20260101_000000-media001');
    fs.mkdirSync(path.join(dir, 'media', 'image'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'files'));
    fs.writeFileSync(path.join(dir, 'media', 'image', '000-aaaaaaaa.png'), Buffer.from('png bytes 0'));
    fs.writeFileSync(path.join(dir, 'media', 'image', '001-bbbbbbbb.png'), Buffer.from('png bytes 1'));
    fs.writeFileSync(path.join(dir, 'files', 'config.yaml'), "lr:\n  desc: ''\n  sort: 0\n  value: 0.5\n");
    const t = Date.UTC(2026, 0, 1);
    const item = (filename: string, caption = '') => ({ filename, sha256: 'ab'.repeat(32), size: 11, caption });
    fs.writeFileSync(
      path.join(dir, 'run-media001.swanlab'),
      frameRecords([
        startRecord({ project: 'media-test', id: 'media001', startedAtMs: t, name: 'm' }),
        saveRecord(RecordNum.CONFIG, { name: 'config', sourcePath: '/nowhere/files/config.yaml', type: SaveType.CONFIG }, t),
        columnRecord(1, { key: 'img', columnType: ColumnType.IMAGE, sectionType: SectionType.PUBLIC }, t),
        mediaRecord(2, { key: 'img', step: 0, type: ColumnType.IMAGE, items: [item('000-aaaaaaaa.png', 'first'), item('missing.png')] }, t + 1),
        mediaRecord(3, { key: 'img', step: 1, type: ColumnType.IMAGE, items: [item('001-bbbbbbbb.png')] }, t + 2),
        scalarRecord(4, 'no/column', 0, t + 3, 1.5),
        logRecord(5, 'hello', LogLevel.INFO, 1, t + 4),
        finishRecord(RunState.ABORTED, 'Aborted by SIGINT', t + 5),
      ]),
    );
    const r = await sync(dir);
    assert.equal(r.code, 0, r.err);
    const e = synced(r.out);
    assert.deepEqual(
      e.media.get('img')!.map((m) => [m.index, m.data, m.more]),
      [
        [0, ['media/image/000-aaaaaaaa.png'], [{ caption: 'first' }]],
        [1, ['media/image/001-bbbbbbbb.png'], undefined],
      ],
    );
    assert.deepEqual(e.columns.get('img'), { key: 'img', type: 'IMAGE' });
    assert.deepEqual(e.columns.get('no/column'), { key: 'no/column', type: 'FLOAT', sectionName: 'no' }, 'a column is made for a key that had none');
    assert.deepEqual(e.profile.config, { lr: { desc: '', sort: 0, value: 0.5 } }, 'config read from files/ when the source path is elsewhere');
    assert.deepEqual(e.states.map((s) => s.state), ['ABORTED']);
    assert.deepEqual(e.logs.map((l) => `${l.epoch}:${l.level}:${l.message}`), ['1:INFO:hello', '2:ERROR:Aborted by SIGINT']);
    assert.deepEqual(fake.violations, []);
  });

  test('an old server: legacy project endpoint and columns', async () => {
    const legacy = await startFakeSwanlab({ legacy: true });
    try {
      const run = swanlab.init({ mode: 'offline', logdir: tempDir(), project: 'old' });
      swanlab.log({ q: 1 });
      await swanlab.finish();
      const r = await runCli(['sync', run.dir, '--api-key', KEY, '--host', legacy.url, '--id', run.id]);
      assert.equal(r.code, 0, r.out + r.err);
      const e = legacy.experiment(run.id);
      assert.deepEqual(e.columns.get('q'), { key: 'q', type: 'FLOAT' });
      assert.ok(legacy.requests.some((q) => q.method === 'POST' && q.path === '/api/project' && q.status === 201));
      assert.ok(legacy.requests.some((q) => q.path === `/api/experiment/${run.id}/columns`));
      assert.deepEqual(legacy.violations, []);
    } finally {
      await legacy.close();
    }
  });

  test('the command line: help, usage errors with a hint, no key', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, SWANLAB_API_KEY: '' } });
    const help = run('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /login .*\n.*logout .*\n.*sync /);
    const syncHelp = run('sync', '--help');
    assert.equal(syncHelp.status, 0);
    assert.match(syncHelp.stdout, /^Usage: swanlab-node sync <run dir>\.\.\. \[options\]/);
    assert.match(run('login', '--help').stdout, /--relogin/);
    const unknown = run('sync', 'x', '--projet', 'p');
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'swanlab-node sync: unknown option --projet; did you mean --project?; see swanlab-node sync --help\n');
    const noDir = run('sync');
    assert.equal(noDir.status, 2);
    assert.match(noDir.stderr, /give at least one run folder/);
    assert.equal(run('snyc').status, 2);
    assert.match(run('snyc').stderr, /unknown command "snyc"; did you mean sync\?/);
    const noKey = run('sync', tempDir());
    assert.equal(noKey.status, 1);
    assert.match(noKey.stderr, /no API key: run `swanlab-node login` once/);

  });

  test('the bin uploads with the key from the environment and prints one summary line on a pipe', async () => {
    // Not spawnSync: the fake server in this process must keep answering.
    const dir = path.join(GOLDEN, 'run-20261126_000000-golden01');
    const child = spawn(process.execPath, [BIN, 'sync', dir, '--project', 'golden'], { env: { ...process.env, SWANLAB_API_KEY: KEY, SWANLAB_API_HOST: fake.url } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const status = await new Promise((r) => child.on('close', r));
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^synced .*golden01 -> .*: \d+ records uploaded; state FINISHED\n$/);
    assert.equal(stderr, '', 'no progress bar on a pipe');
  });
});
