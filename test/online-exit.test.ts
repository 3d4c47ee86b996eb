// Exit paths of online runs, each in a child process (the fake server lives here, so the
// child's synchronous exit handshake can block while its worker uploads): the uploads drain
// before the process ends, within finishTimeoutMs, and an unreachable server costs at most
// that bound and prints the sync command.
import './fake-swanlab/env.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { entries, filePoints, serverPoints } from './fake-swanlab/env.js';
import { startFakeSwanlab, type FakeSwanlab } from './fake-swanlab/server.js';
import { tempDir } from './helpers.js';

let fake: FakeSwanlab;
before(async () => {
  fake = await startFakeSwanlab();
});
after(() => fake.close());

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runFixture(logdir: string, host: string, how: string, env: Record<string, string> = {}): Promise<Ended> {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'online-exit.mjs'), logdir, host, how], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const hang = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`online-exit.mjs ${how} hung\n${stderr}`));
    }, 20_000);
    proc.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

function runDirOf(logdir: string, id: string): string {
  return path.join(logdir, require('node:fs').readdirSync(logdir).find((n: string) => n.endsWith(`-${id}`)));
}

describe('online exit paths', { concurrency: true }, () => {
  for (const [how, code, state] of [['end', 0, 'FINISHED'], ['exit', 3, 'FINISHED'], ['uncaught', 1, 'CRASHED']] as const) {
    test(`${how}: every value is on the server and the state is ${state} before the process is gone`, async () => {
      const logdir = tempDir();
      const e = await runFixture(logdir, fake.url, how);
      assert.equal(e.code, code, e.stderr);
      const id = e.stdout.trim();
      const exp = fake.experiment(id);
      assert.deepEqual(entries(serverPoints(exp)), entries(filePoints(runDirOf(logdir, id))));
      assert.deepEqual(exp.states.map((s) => s.state), [state]);
      if (state === 'CRASHED') {
        const errorLines = exp.logs.filter((l) => l.level === 'ERROR');
        assert.equal(errorLines.length, 1);
        assert.match(String(errorLines[0]!.message), /^Error: boom in training\n/);
      }
      assert.ok(!e.stderr.includes('not uploaded'), e.stderr);
    });
  }

  test('process.exit with SwanLab unreachable: the process ends within finishTimeoutMs and says how to sync', async () => {
    // A port nobody listens on.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const logdir = tempDir();
    const e = await runFixture(logdir, `http://127.0.0.1:${port}`, 'exit', { FINISH_TIMEOUT_MS: '1500' });
    assert.equal(e.code, 3, e.stderr);
    // Bounded: node's start, the probes and finishTimeoutMs; without the bound it would retry for ever.
    assert.ok(e.ms < 1500 + 8000, `took ${e.ms} ms\n${e.stderr}`);
    const id = e.stdout.trim();
    const dir = runDirOf(logdir, id);
    const hint = e.stderr.split('\n').find((l) => l.includes('were not uploaded'));
    assert.ok(hint, e.stderr);
    assert.ok(hint!.endsWith(`upload them with: swanlab-node sync ${dir} --id ${id} --host http://127.0.0.1:${port}`), hint);
    assert.match(hint!, /SwanLab \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/);
  });
});
