// `swanlab-node login` / `logout` against the fake SwanLab server: the key is verified, saved
// in SWANLAB_ROOT/.netrc as SwanLab's Python SDK writes it (mode 0600), used by online runs
// and sync when no key is given, and removed by logout.
import './fake-swanlab/env.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as swanlab from 'swanlab-node';
import { runCli } from './fake-swanlab/cli.js';
import { SWANLAB_ROOT } from './fake-swanlab/env.js';
import { startFakeSwanlab, type FakeSwanlab } from './fake-swanlab/server.js';
import { tempDir } from './helpers.js';

let fake: FakeSwanlab;
before(async () => {
  fake = await startFakeSwanlab();
});
after(() => fake.close());

const NETRC = path.join(SWANLAB_ROOT, '.netrc');

const run = (...args: string[]) => runCli(args);

test('login verifies the key, saves it 0600 in SwanLab\'s netrc form; online runs and sync use it; logout removes it', async () => {
  const bad = await run('login', '--api-key', 'not-a-key', '--host', fake.url);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^swanlab-node login: POST http:\/\/127\.0\.0\.1:\d+\/api\/login\/api_key answered 401: api key is invalid/);
  assert.ok(!bad.err.includes('not-a-key'), 'the key is not echoed');
  assert.equal(fs.existsSync(NETRC), false, 'nothing saved for a refused key');

  const ok = await run('login', '--api-key', 'test-key', '--host', fake.url);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.out, `logged in to ${fake.url} as alice; key saved in ${NETRC}\n`);
  assert.equal(fs.readFileSync(NETRC, 'utf8'), `machine ${fake.url}\n\tlogin ${fake.url}\n\tpassword test-key\n`);
  assert.equal(fs.statSync(NETRC).mode & 0o777, 0o600);

  const again = await run('login');
  assert.equal(again.code, 0);
  assert.match(again.out, /^already logged in to http:\/\/127\.0\.0\.1:\d+ \(key in .*\.netrc\); use --relogin to use another key\n$/);
  const relogin = await run('login', '--relogin', '--api-key', 'wrong', '--host', fake.url);
  assert.equal(relogin.code, 1);
  assert.match(fs.readFileSync(NETRC, 'utf8'), /password test-key/, 'a refused relogin keeps the saved key');

  // No mode, no key, no host: the saved login makes the run online, on the saved host.
  const r = swanlab.init({ logdir: tempDir(), project: 'login-test' });
  assert.equal(r.mode, 'online');
  assert.equal(await r.ready, `${fake.url}/@alice/login-test/runs/${r.id}`);
  swanlab.log({ k: 1 });
  await swanlab.finish();
  assert.equal(fake.experiment(r.id).scalars.get('k')?.length, 1);
  // sync too.
  const synced = await run('sync', r.dir, '--id', r.id);
  assert.equal(synced.code, 0, synced.err);

  const out = await run('logout');
  assert.equal(out.out, `logged out: removed ${NETRC}\n`);
  assert.equal(fs.existsSync(NETRC), false);
  assert.equal((await run('logout')).out, 'not logged in: no saved key\n');
  assert.equal((await run('logout', '--force')).code, 2);
});

test('login reads the key from stdin when none is given and stdin is not a terminal', async () => {
  const bin = path.join(__dirname, '..', 'dist', 'cjs', 'cli', 'index.js');
  const root = tempDir('swanlab-root-');
  const child = spawn(process.execPath, [bin, 'login', '--host', fake.url], { env: { ...process.env, SWANLAB_ROOT: root } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end('test-key\n');
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /as alice; key saved in /);
  assert.match(fs.readFileSync(path.join(root, '.netrc'), 'utf8'), /password test-key\n$/);
});
