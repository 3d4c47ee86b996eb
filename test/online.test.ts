// Online runs against the fake SwanLab server (test/fake-swanlab/): every record arrives
// exactly once and in per-key step order; 500s, 429s, resets, slow answers, an outage and an
// expired session lose nothing and duplicate nothing; a 4xx drops one batch with one clear
// error; a bad key rejects run.ready while the run keeps logging; finish() keeps to
// finishTimeoutMs and prints the sync command; resume must/allow.
import './fake-swanlab/env.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { runCli } from './fake-swanlab/cli.js';
import { entries, filePoints, fileLogs, serverLogs, serverPoints } from './fake-swanlab/env.js';
import { startFakeSwanlab, type FakeSwanlab } from './fake-swanlab/server.js';
import { captureStderr, records, tempDir, waitFor } from './helpers.js';

const KEY = 'test-key';
let fake: FakeSwanlab;

before(async () => {
  fake = await startFakeSwanlab({ users: { [KEY]: 'alice', 'key-of-bob': 'bob' }, workspaces: { lab: ['alice'] } });
});
after(() => fake.close());

function online(extra: swanlab.InitOptions = {}): swanlab.Run {
  return swanlab.init({ mode: 'online', apiKey: KEY, apiHost: fake.url, logdir: tempDir(), project: 'online-test', ...extra });
}

/** Log `n` steps of three keys, one of them NaN now and then, with a pause to spread batches. */
async function logSome(n: number, pauseEvery = 0, pauseMs = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    swanlab.log({ loss: 1 / (i + 1), 'train/acc': i / n, odd: i % 7 === 3 ? NaN : i % 11 === 5 ? Infinity : i });
    if (pauseEvery > 0 && i % pauseEvery === pauseEvery - 1) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** The server holds exactly the file's scalars, per key in step order, each once. */
function assertSameScalars(run: swanlab.Run): void {
  const e = fake.experiment(run.id);
  assert.deepEqual(entries(serverPoints(e)), entries(filePoints(run.dir)));
  assert.deepEqual(serverLogs(e), fileLogs(run.dir));
}

describe('online runs', () => {
  test('every record arrives once, per key in step order; columns first; config, state FINISHED, heartbeat, no key in the output', async () => {
    const { result: run, lines } = await captureStderr(async () => {
      const run = online({ config: { lr: 0.01, layers: [64, 32] }, experimentName: 'first', tags: ['a'] });
      const url = await run.ready;
      assert.equal(url, `${fake.url}/@alice/online-test/runs/${run.id}`);
      assert.equal(run.url, url);
      assert.equal(run.mode, 'online');
      await logSome(3000, 500, 30);
      swanlab.log({ 'val/acc': 0.5 }, 100);
      swanlab.config.update({ batch: 8 });
      await swanlab.finish();
      return run;
    });
    const e = fake.experiment(run.id);
    assert.deepEqual(fake.violations, []);
    assert.equal(e.redeliveries, 0, 'nothing sent twice');
    assertSameScalars(run);
    assert.equal(e.scalars.get('loss')!.length, 3000);
    assert.deepEqual(e.scalars.get('odd')![3]!.data, 'nan');
    assert.deepEqual(e.scalars.get('odd')![5]!.data, 'nan', 'Infinity travels as "nan"');
    const own = [...e.columns.values()].filter((c) => !String(c.key).startsWith('__swanlab__.'));
    assert.deepEqual(own.map((c) => `${c.key}:${c.type}:${c.sectionName ?? ''}`).sort(), ['loss:FLOAT:', 'odd:FLOAT:', 'train/acc:FLOAT:train', 'val/acc:FLOAT:val']);
    assert.deepEqual(e.profile.config, { lr: { value: 0.01, desc: '', sort: 0 }, layers: { value: [64, 32], desc: '', sort: 1 }, batch: { value: 8, desc: '', sort: 2 } });
    assert.deepEqual(e.states.map((s) => s.state), ['FINISHED']);
    assert.equal(e.body.name, 'first');
    assert.deepEqual(e.body.labels, [{ name: 'a' }]);
    assert.ok(e.heartbeats >= 1);
    // Every call carried the SDK version header (the server refuses others), none the key.
    for (const r of fake.requests.filter((r) => r.path !== '/api/login/api_key')) assert.equal(r.headers.authorization, undefined);
    assert.ok(!lines.join('\n').includes(KEY), 'the key never appears in our output');
    assert.ok(lines.some((l) => l.includes(`uploading run at ${run.url}`)), lines.join('\n'));
  });

  test('500s, 429s, connection resets and answers slower than the timeout: nothing lost, nothing stored twice', async () => {
    fake.fault({ match: /POST \/api\/house\/metrics/, kind: 'status', status: 500, times: 3 });
    fake.fault({ match: /POST \/api\/house\/metrics/, kind: 'status', status: 429, times: 2 });
    fake.fault({ match: /POST \/api\/house\/metrics/, kind: 'reset', times: 3 });
    fake.fault({ match: /POST \/api\/projects\/.*\/series/, kind: 'reset', times: 1 });
    fake.fault({ match: /POST \/api\/house\/metrics/, kind: 'slow', delayMs: 1500, times: 2 });
    fake.fault({ match: /POST \/api\/project\/.*\/experiment/, kind: 'status', status: 503, times: 1 });
    const run = online();
    await logSome(2000, 400, 40);
    await swanlab.finish();
    const e = fake.experiment(run.id);
    assert.deepEqual(fake.violations, []);
    assert.equal(fake.faults.reduce((n, f) => n + (f.times ?? 0), 0), 0, 'every fault was hit');
    assertSameScalars(run);
    assert.ok(e.redeliveries > 0, 'the slow answers made the client send those batches again');
    assert.deepEqual(e.states.map((s) => s.state), ['FINISHED']);
  });

  test('an outage (scaled from 30 s to 1.5 s) in the middle of a run: everything arrives once', async () => {
    const run = online();
    await run.ready;
    await logSome(500, 100, 20);
    fake.outage(1500);
    await logSome(1500, 300, 150);
    await swanlab.finish();
    const e = fake.experiment(run.id);
    assert.deepEqual(fake.violations, []);
    assertSameScalars(run);
    assert.equal(e.redeliveries, 0);
    assert.deepEqual(e.states.map((s) => s.state), ['FINISHED']);
  });

  test('an expired session (401): the client logs in again and goes on', async () => {
    const run = online();
    await run.ready;
    const logins = fake.logins;
    await logSome(500, 100, 30);
    fake.expireSessions();
    await logSome(500, 100, 30);
    fake.fault({ match: /POST \/api\/house\/metrics/, kind: 'expire', times: 1 });
    await logSome(500, 100, 30);
    await swanlab.finish();
    assert.ok(fake.logins >= logins + 2, `logged in again (${fake.logins - logins} times)`);
    assertSameScalars(run);
    assert.deepEqual(fake.violations, []);
  });

  test('a short session is renewed before it expires, without a 401', async () => {
    const short = await startFakeSwanlab({ sessionTtlMs: 1200 });
    try {
      const run = swanlab.init({ mode: 'online', apiKey: KEY, apiHost: short.url, logdir: tempDir(), project: 'online-test' });
      await run.ready;
      await logSome(600, 100, 250);
      await swanlab.finish();
      assert.ok(short.logins >= 2, `${short.logins} logins`);
      assert.deepEqual(short.requests.filter((r) => r.status === 401), []);
      assert.deepEqual(entries(serverPoints(short.experiment(run.id))), entries(filePoints(run.dir)));
    } finally {
      await short.close();
    }
  });

  test('a 4xx drops that batch with one error naming the endpoint and the server\'s message; the rest arrives; the file keeps all', async () => {
    const { result: run, lines } = await captureStderr(async () => {
      const run = online();
      await run.ready;
      fake.fault({ match: /POST \/api\/house\/metrics/, metricsType: 'scalar', bodyMatch: /"key":"a"/, kind: 'status', status: 422, message: 'metric rejected by policy', times: 1 });
      swanlab.log({ a: 1 });
      // a@1 only after the batch with a@0 was refused, so that it travels in another one.
      assert.ok(await waitFor(() => fake.faults.every((f) => f.times === 0), 10_000), 'the 422 was answered');
      swanlab.log({ a: 2 });
      await swanlab.finish();
      return run;
    });
    const e = fake.experiment(run.id);
    assert.deepEqual(e.scalars.get('a')?.map((i) => i.index), [1]);
    assert.deepEqual([...filePoints(run.dir).get('a')!], ['0=1', '1=2']);
    const errors = lines.filter((l) => l.includes('metric rejected by policy'));
    assert.equal(errors.length, 1, lines.join('\n'));
    // (The batch may hold the hardware monitor's values too.)
    assert.match(errors[0]!, new RegExp(`^swanlab: upload: POST ${fake.url}/api/house/metrics answered 422: metric rejected by policy; \\d+ scalar records? (was|were) not uploaded \\(they stay in the run file\\)$`));
    assert.ok(lines.some((l) => /^swanlab: \d+ records? of run/.test(l) && l.includes('the server refused some of them') && l.endsWith(`swanlab-node sync ${run.dir} --id ${run.id} --host ${fake.url}`)), lines.join('\n'));
  });

  test('a refused key: run.ready rejects with SWANLAB_AUTH, the run logs locally, finish() resolves', async () => {
    const logdir = tempDir();
    const { result: run, lines } = await captureStderr(async () => {
      const run = swanlab.init({ mode: 'online', apiKey: 'wrong-key', apiHost: fake.url, logdir, project: 'online-test' });
      await assert.rejects(run.ready, (e: Error & { code?: string }) => e.code === 'SWANLAB_AUTH' && /api key is invalid/.test(e.message) && e.message.includes('swanlab-node sync'));
      swanlab.log({ x: 1 });
      await swanlab.finish();
      return run;
    });
    assert.deepEqual([...filePoints(run.dir).get('x')!], ['0=1']);
    assert.equal(lines.filter((l) => l.includes('api key is invalid')).length, 1, lines.join('\n'));
    assert.ok(!lines.join('\n').includes('wrong-key'));
  });

  test('a workspace the user is not in: run.ready rejects naming the endpoint and the server\'s message', async () => {
    const run = online({ workspace: 'other' });
    await assert.rejects(run.ready, (e: Error & { code?: string }) => e.code === 'SWANLAB_API' && /POST http:\/\/127\.0\.0\.1:\d+\/api\/projects\/other answered 403: cannot create project other\/online-test: workspace other does not exist or alice is not a member/.test(e.message));
    await swanlab.finish();
  });

  test('a workspace: the experiment is created there', async () => {
    const run = online({ workspace: 'lab' });
    assert.equal(await run.ready, `${fake.url}/@lab/online-test/runs/${run.id}`);
    swanlab.log({ y: 2 });
    await swanlab.finish();
    assert.equal(fake.experiment(run.id).username, 'lab');
  });

  test('finishTimeoutMs: with the server gone, finish() returns in time and prints how many records are left and the exact sync command, which then uploads them', async () => {
    const { result, lines } = await captureStderr(async () => {
      const run = online({ finishTimeoutMs: 2000 });
      await run.ready;
      await logSome(200);
      await new Promise((r) => setTimeout(r, 200));
      fake.outage(3500);
      await logSome(300);
      const t0 = Date.now();
      await swanlab.finish();
      return { run, ms: Date.now() - t0 };
    });
    const { run, ms } = result;
    assert.ok(ms >= 1500 && ms < 2000 + 4000, `finish() took ${ms} ms`);
    const hint = lines.find((l) => l.includes('were not uploaded'));
    assert.ok(hint, lines.join('\n'));
    assert.match(hint!, /^swanlab: \d+ records of run \w+ were not uploaded: the upload did not finish within finishTimeoutMs \(2000 ms; waited [\d.]+ s\)\. They are safe in /);
    const command = `swanlab-node sync ${run.dir} --id ${run.id} --host ${fake.url}`;
    assert.ok(hint!.endsWith(`upload them with: ${command}`), hint);
    const left = Number(/(\d+) records/.exec(hint!)![1]);
    const onServer = () => [...fake.experiment(run.id).scalars.values()].reduce((n, l) => n + l.length, 0);
    assert.ok(left >= 1500 - onServer() && left <= records(run.dir).length, `${left} left, ${onServer()} scalars on the server`);
    // The drain took more than a second, so its progress line was shown.
    assert.ok(lines.some((l) => l.startsWith('swanlab: uploading the rest of the run:')), lines.join('\n'));

    // Once the server is back, the printed command uploads the rest: all, once each.
    await new Promise((r) => setTimeout(r, 3500 - ms));
    process.env.SWANLAB_API_KEY = KEY;
    try {
      const r = await runCli(command.split(' ').slice(1));
      assert.equal(r.code, 0, r.out + r.err);
    } finally {
      delete process.env.SWANLAB_API_KEY;
    }
    assertSameScalars(run);
    assert.deepEqual(fake.violations, []);
  });

  test('resume "must" with an id the server lacks: ready rejects; a resumed run continues each key from the server\'s last step', async () => {
    const missing = online({ id: 'nosuchrun', resume: 'must' });
    await assert.rejects(missing.ready, /Experiment nosuchrun does not exist/);
    await swanlab.finish();

    const first = online({ id: 'resumable1' });
    await first.ready;
    for (let i = 0; i < 10; i++) swanlab.log({ m: i });
    await swanlab.finish();
    const { result: second, lines } = await captureStderr(async () => {
      const second = online({ id: 'resumable1', resume: 'must' });
      await second.ready;
      for (let i = 0; i < 15; i++) swanlab.log({ m: 100 + i });
      swanlab.log({ m: -1 }, 5);
      await swanlab.finish();
      return second;
    });
    const e = fake.experiment('resumable1');
    assert.ok(lines.some((l) => l.includes(`resuming run at ${second.url}`)), lines.join('\n'));
    // Steps 0-9 were on the server already: the resumed run continues the key at step 10.
    assert.deepEqual(e.scalars.get('m')!.map((i) => `${i.index}=${i.data}`), [...Array(10).keys()].map((i) => `${i}=${i}`).concat([...Array(15).keys()].map((i) => `${10 + i}=${100 + i}`)));
    assert.deepEqual(filePoints(second.dir).get('m'), [...Array(15).keys()].map((i) => `${10 + i}=${100 + i}`), 'the run file holds the same steps');
    // An explicit step the server already has is a duplicate: the server's first value stays.
    assert.ok(lines.some((l) => l.includes('key "m" already has a value at step 5')), lines.join('\n'));
    assert.deepEqual(e.states.map((s) => s.state), ['FINISHED', 'FINISHED']);
  });

  test('mode from the environment: a key in SWANLAB_API_KEY makes a run online; none leaves it offline with one hint line', async () => {
    process.env.SWANLAB_API_KEY = KEY;
    process.env.SWANLAB_API_HOST = fake.url;
    try {
      const run = swanlab.init({ logdir: tempDir(), project: 'online-test' });
      assert.equal(run.mode, 'online');
      assert.ok(await run.ready);
      await swanlab.finish();
    } finally {
      delete process.env.SWANLAB_API_KEY;
      delete process.env.SWANLAB_API_HOST;
    }
    const { result: run, lines } = await captureStderr(async () => {
      const run = swanlab.init({ logdir: tempDir(), project: 'online-test' });
      await swanlab.finish();
      return run;
    });
    assert.equal(run.mode, 'offline');
    assert.equal(await run.ready, undefined);
    const hint = lines.filter((l) => l.includes('no SwanLab API key found'));
    assert.equal(hint.length, 1, lines.join('\n'));
    assert.ok(hint[0]!.includes('swanlab-node login') && hint[0]!.includes(`swanlab-node sync ${run.dir}`), hint[0]);
    assert.throws(() => swanlab.init({ mode: 'online', logdir: tempDir() }), (e: Error & { code?: string }) => e.code === 'SWANLAB_AUTH' && /needs a SwanLab API key/.test(e.message));
    assert.throws(() => swanlab.init({ mode: 'cloud', apiKey: KEY, resume: 'must', logdir: tempDir() }), /"must" needs the id/);
    assert.throws(() => swanlab.init({ mode: 'online', apiKey: KEY, id: 'x1', resume: 'never', logdir: tempDir() }), /"never" cannot be combined with an id/);
    assert.throws(() => swanlab.init({ mode: 'online', apiKey: KEY, finishTimeout: 5 } as never), /unknown option finishTimeout; did you mean finishTimeoutMs/);
  });
});

test('online media: an Image and a Text logged live go up with the presigned PUT before their metric', async () => {
  const run = online({ experimentName: 'media' });
  await run.ready;
  const pixels = new Uint8Array(4 * 4 * 3).map((_, i) => (i * 37) & 0xff);
  swanlab.log({ loss: 1, sample: new swanlab.Image(pixels, { width: 4, height: 4, caption: 'four' }) });
  swanlab.log({ notes: new swanlab.Text('epoch 1 done') });
  await swanlab.finish();
  const e = fake.experiment(run.id);
  assert.deepEqual(fake.violations, [], 'files before metrics, well-formed bodies');
  const sample = e.media.get('sample')!;
  const notes = e.media.get('notes')!;
  assert.equal(sample.length, 1);
  assert.equal(notes.length, 1);
  const [imgPath] = sample[0]!.data as string[];
  const [txtPath] = notes[0]!.data as string[];
  assert.match(imgPath!, /^media\/image\/000-[0-9a-f]{8}\.png$/);
  assert.match(txtPath!, /^media\/text\/000-[0-9a-f]{8}\.txt$/);
  assert.deepEqual(sample[0]!.more, [{ caption: 'four' }]);
  // The local files are the ones that went up.
  const fs = await import('node:fs');
  const path = await import('node:path');
  assert.ok(fs.existsSync(path.join(run.dir, imgPath!)));
  assert.equal(fs.readFileSync(path.join(run.dir, txtPath!), 'utf8'), 'epoch 1 done');
  const puts = fake.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/upload/'));
  assert.equal(puts.length, 2, 'one PUT per file');
});
