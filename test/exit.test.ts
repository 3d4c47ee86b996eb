// Every way a process can end, each in a tiny child script under test/fixtures/ (pino's
// test/exit.test.js habit, style.md 9-10). The parent asserts the exit code or signal, stderr,
// and the exact records of the run file: every value logged before the end, once each, in
// order, and the FinishRecord's state and error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readRun, type RunRecord } from 'swanlab-node';
import { RunState } from '../src/format/index.js';
import { isSystemKey, tempDir, waitFor } from './helpers.js';

const fixtures = path.join(__dirname, 'fixtures');
/** A fixture that has not ended by then is a hang: it is killed and the test fails. */
const HANG_MS = 15_000;

/** What fixtures/exit-common.mjs logKnown() logs, as key@step=value, in log() order. */
const KNOWN: string[] = [];
for (let i = 0; i < 5; i++) KNOWN.push(`loss@${i}=${1 / (i + 1)}`, `train/acc@${i}=${i * 0.25}`);
KNOWN.push('lr@10=0.001');

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running fixture: wait for a line on its stdout, write to its stdin, signal it, await its end. */
interface Child {
  pid: number;
  waitFor(line: string): Promise<void>;
  write(text: string): void;
  kill(signal: NodeJS.Signals): void;
  readonly running: boolean;
  ended: Promise<Ended>;
}

function spawnFixture(name: string, logdir: string, ...args: string[]): Child {
  // Offline on purpose: these fixtures are about exit paths, not the no-key hint of a run without a mode.
  const proc = spawn(process.execPath, [path.join(fixtures, name), logdir, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SWANLAB_MODE: 'offline' } });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  const hasLine = (line: string) => stdout.split('\n').includes(line);
  proc.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const w of waiters.filter((w) => hasLine(w.line))) w.resolve();
  });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  proc.stdin.on('error', () => {}); // the child may be gone before it reads
  const ended = new Promise<Ended>((resolve, reject) => {
    const hang = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not end within ${HANG_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, HANG_MS);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(hang);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: proc.pid!,
    waitFor: (line) =>
      hasLine(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ line, resolve })),
            ended.then((e) => {
              throw new Error(`${name} ended (code ${e.code}, signal ${e.signal}) before printing ${JSON.stringify(line)}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
            }),
          ]),
    write: (text) => proc.stdin.write(text),
    kill: (signal) => proc.kill(signal),
    get running() {
      return proc.exitCode === null && proc.signalCode === null;
    },
    ended,
  };
}

/** Run a fixture to its end. */
function runFixture(name: string, logdir: string, ...args: string[]): Promise<Ended> {
  return spawnFixture(name, logdir, ...args).ended;
}

interface RunContent {
  /** One line per record: `start`, `save:<name>`, `column:<key>`, `<key>@<step>=<value>`, `finish:<STATE>`. */
  transcript: string[];
  finish: { state: string; error: string } | undefined;
  stoppedAt: unknown;
  /** Recorded by the run itself, apart from the transcript: console lines (LogRecords) … */
  console: string[];
  /** … the environment snapshot's saves (metadata, requirements) … */
  environment: string[];
  /** … and the hardware monitor's columns and samples. */
  system: number;
}

/** The one run folder in `logdir`, read back and checked for numbering. */
function readOnlyRun(logdir: string): RunContent {
  const runs = fs.readdirSync(logdir).filter((n) => n.startsWith('run-'));
  assert.equal(runs.length, 1, `exactly one run folder in ${logdir}: ${runs.join(', ')}`);
  const reader = readRun(path.join(logdir, runs[0]!));
  const records: RunRecord[] = [...reader];
  const transcript: string[] = [];
  const content = { console: [] as string[], environment: [] as string[], system: 0 };
  let finish: RunContent['finish'];
  let num = 0;
  for (const r of records) {
    const v = r.recordType;
    switch (v.case) {
      case 'start':
        transcript.push('start');
        break;
      case 'save':
        if (v.value.name === 'metadata' || v.value.name === 'requirements') content.environment.push(v.value.name);
        else transcript.push(`save:${v.value.name}`);
        break;
      case 'column':
        if (isSystemKey(v.value.columnKey)) content.system++;
        else transcript.push(`column:${v.value.columnKey}`);
        break;
      case 'scalar':
        if (isSystemKey(v.value.key)) content.system++;
        else transcript.push(`${v.value.key}@${v.value.step}=${v.value.value?.number}`);
        break;
      case 'log':
        content.console.push(v.value.line);
        break;
      case 'finish':
        finish = { state: RunState[v.value.state], error: v.value.error };
        transcript.push(`finish:${finish.state}`);
        break;
      default:
        transcript.push(`unexpected:${v.case}`);
    }
    // Ordinary records are numbered 1, 2, 3 … with no gap or repeat; special ones are negative.
    if (r.num > 0n) assert.equal(r.num, BigInt(++num), `a ${v.case} record has num ${r.num}, expected ${num}`);
  }
  return { transcript, finish, stoppedAt: reader.stoppedAt, ...content };
}

/**
 * Take the one line finish() prints (spec 4.3: how the run ended, its duration, its folder)
 * out of stderr; `rest` is what the process printed besides.
 */
function splitFinishLine(stderr: string, how: 'finished in' | 'crashed after' | 'was aborted after'): { line: string; rest: string } {
  const m = new RegExp(`^swanlab: run \\S+ ${how} [^;\\n]+; its files are in \\S+\\n`, 'm').exec(stderr);
  assert.ok(m, `stderr has the finish line "${how}":\n${stderr}`);
  assert.equal(stderr.split('swanlab: run ').length, 2, `one finish line:\n${stderr}`);
  return { line: m[0].slice(0, -1), rest: stderr.slice(0, m.index) + stderr.slice(m.index + m[0].length) };
}

/** The transcript of a run that logged `points` (key@step=value, in order) and ended with `finish`. */
function expectedTranscript(points: string[], finish?: string): string[] {
  const out = ['start', 'save:config'];
  const seen = new Set<string>();
  for (const p of points) {
    const key = p.slice(0, p.indexOf('@'));
    if (!seen.has(key)) {
      seen.add(key);
      out.push(`column:${key}`);
    }
    out.push(p);
  }
  if (finish) out.push(`finish:${finish}`);
  return out;
}

function stderrLines(e: Ended): string[] {
  return e.stderr.split('\n').filter((l) => l.length > 0);
}

describe('exit paths: each child ends one way; its run file holds every value and the right FinishRecord', { concurrency: true }, () => {
  test('the script ends without finish(): FINISHED, exit code 0', async () => {
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('exit-normal-end.mjs', logdir);
    const f = splitFinishLine(e.stderr, 'finished in');
    assert.deepEqual([e.code, e.signal, f.rest], [0, null, '']);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.transcript, expectedTranscript(KNOWN, 'FINISHED'));
    assert.deepEqual(run.finish, { state: 'FINISHED', error: '' });
    assert.equal(run.stoppedAt, null);
    assert.deepEqual(run.console, [f.line], 'the finish line is recorded as the run\'s console line');
    assert.deepEqual(run.environment, ['metadata', 'requirements'], 'the environment snapshot, once, before the FinishRecord');
  });

  test('process.exit(3): FINISHED, exit code 3 kept', async () => {
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('exit-process-exit-3.mjs', logdir);
    const f = splitFinishLine(e.stderr, 'finished in');
    assert.deepEqual([e.code, e.signal, f.rest], [3, null, '']);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.console, [f.line]);
    assert.deepEqual(run.environment, ['metadata', 'requirements'], 'taken while the exit handshake waits');
    assert.deepEqual(run.transcript, expectedTranscript(KNOWN, 'FINISHED'));
    assert.deepEqual(run.finish, { state: 'FINISHED', error: '' });
    assert.equal(run.stoppedAt, null);
  });

  test('an uncaught exception: CRASHED with the stack; Node still prints it and exits with 1', async () => {
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('exit-uncaught.mjs', logdir);
    assert.deepEqual([e.code, e.signal], [1, null]);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.transcript, expectedTranscript(KNOWN, 'CRASHED'));
    assert.equal(run.finish?.state, 'CRASHED');
    const error = run.finish!.error;
    assert.match(error, /^Error: boom in trainStep\n {4}at .*trainStep .*exit-uncaught\.mjs:5:9\)\n/);
    const f = splitFinishLine(e.stderr, 'crashed after');
    assert.ok(f.rest.includes(error), `Node printed the same stack on stderr:\n${e.stderr}`);
    assert.doesNotMatch(f.rest, /swanlab:/, 'no warning of ours');
    assert.deepEqual(run.console, [f.line], 'Node prints the stack itself, not through process.stderr');
    assert.equal(run.stoppedAt, null);
  });

  test('an unhandled rejection: CRASHED with the stack; Node\'s default exit code 1', async () => {
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('exit-unhandled-rejection.mjs', logdir);
    assert.deepEqual([e.code, e.signal], [1, null]);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.transcript, expectedTranscript(KNOWN, 'CRASHED'));
    const error = run.finish!.error;
    assert.match(error, /^Error: boom in evaluate\n {4}at evaluate .*exit-unhandled-rejection\.mjs:5:9\)\n/);
    const f = splitFinishLine(e.stderr, 'crashed after');
    assert.ok(f.rest.includes(error), `Node printed the same stack on stderr:\n${e.stderr}`);
    assert.doesNotMatch(f.rest, /swanlab:/, 'no warning of ours');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal}: ABORTED, then the process ends by ${signal} as Node would`, async () => {
      const logdir = tempDir('swanlab-exit-');
      const child = spawnFixture(`exit-${signal.toLowerCase()}.mjs`, logdir);
      await child.waitFor('ready');
      child.kill(signal);
      const e = await child.ended;
      const f = splitFinishLine(e.stderr, 'was aborted after');
      assert.deepEqual([e.code, e.signal, e.stdout, f.rest], [null, signal, 'ready\n', '']);
      const run = readOnlyRun(logdir);
      assert.deepEqual(run.console, ['ready', f.line], 'stdout too is recorded');
      assert.deepEqual(run.transcript, expectedTranscript(KNOWN, 'ABORTED'));
      assert.deepEqual(run.finish, { state: 'ABORTED', error: `Aborted by ${signal}` });
      assert.equal(run.stoppedAt, null);
    });
  }

  // The user's own SIGTERM handler decides: the run stays alive after the signal and the
  // process keeps running until the handler ends it.
  for (const [mode, how] of [
    ['finish', 'process.on after init()'],
    ['once', 'process.once before init()'],
  ] as const) {
    test(`SIGTERM with the user's own handler (${how}): not finished for them, not forced to exit; their finish() writes FINISHED`, async () => {
      const logdir = tempDir('swanlab-exit-');
      const child = spawnFixture('exit-sigterm-own-handler.mjs', logdir, mode);
      await child.waitFor('ready');
      child.kill('SIGTERM');
      await child.waitFor('handled alive=true');
      // Still running: it answers the parent's line by logging again and finishing the run itself.
      assert.ok(child.running, 'the process is still running after SIGTERM');
      child.write('go\n');
      const e = await child.ended;
      const f = splitFinishLine(e.stderr, 'finished in');
      assert.deepEqual([e.code, e.signal, e.stdout, f.rest], [7, null, 'ready\nhandled alive=true\nfinished alive=false\n', '']);
      const run = readOnlyRun(logdir);
      assert.deepEqual(run.console, ['ready', 'handled alive=true', f.line], 'what was printed until finish');
      assert.deepEqual(run.transcript, expectedTranscript([...KNOWN, 'late@0=42', 'late@1=43'], 'FINISHED'));
      assert.deepEqual(run.finish, { state: 'FINISHED', error: '' });
    });
  }

  test("SIGTERM with the user's own handler that calls process.exit(5): the exit hook writes FINISHED, code 5 kept", async () => {
    const logdir = tempDir('swanlab-exit-');
    const child = spawnFixture('exit-sigterm-own-handler.mjs', logdir, 'exit');
    await child.waitFor('ready');
    child.kill('SIGTERM');
    const e = await child.ended;
    const f = splitFinishLine(e.stderr, 'finished in');
    assert.deepEqual([e.code, e.signal, e.stdout, f.rest], [5, null, 'ready\nhandled alive=true\n', '']);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.console, ['ready', 'handled alive=true', f.line]);
    assert.deepEqual(run.transcript, expectedTranscript([...KNOWN, 'late@0=42'], 'FINISHED'));
    assert.deepEqual(run.finish, { state: 'FINISHED', error: '' });
  });

  /**
   * Run `fixture` and kill -9 it 300 ms after it printed "logged", or, given `onDisk`, once
   * `onDisk(logdir)` holds (polled for up to 10 s, while the fixture's thread spins): a loaded
   * machine can hold the worker off the CPU for longer than 300 ms, and what such a test
   * asserts is that the records reach the disk with no further log() call, not how soon.
   */
  async function killedAfterLogged(fixture: string, onDisk?: (logdir: string) => boolean): Promise<string> {
    const logdir = tempDir('swanlab-exit-');
    const child = spawnFixture(fixture, logdir);
    await child.waitFor('logged');
    await sleep(300);
    if (onDisk !== undefined) await waitFor(() => onDisk(logdir), 10_000);
    child.kill('SIGKILL');
    const e = await child.ended;
    assert.deepEqual([e.code, e.signal, e.stderr], [null, 'SIGKILL', '']);
    return logdir;
  }

  test('kill -9 300 ms after the last log(): every value logged is readable; no FinishRecord; the reader stops cleanly', async () => {
    const run = readOnlyRun(await killedAfterLogged('exit-sigkill.mjs'));
    assert.deepEqual(run.transcript, expectedTranscript([...KNOWN, 'last@0=1']));
    assert.deepEqual(run.console, ['logged'], 'a console line is on disk within the same ~100 ms as a value');
    assert.equal(run.finish, undefined);
    assert.equal(run.stoppedAt, null);
  });

  test('kill -9 while the thread computes after a burst of log() calls: the whole burst is on disk (the last frames via the head hint)', async () => {
    const last = `y@1999=3998`;
    const logdir = await killedAfterLogged('exit-sigkill-busy.mjs', (dir) => {
      try {
        return readOnlyRun(dir).transcript.includes(last);
      } catch {
        return false; // a record half-written: look again
      }
    });
    const burst: string[] = [];
    for (let i = 0; i < 2000; i++) burst.push(`x@${i}=${i}`, `y@${i}=${2 * i}`);
    assert.deepEqual(readOnlyRun(logdir).transcript, expectedTranscript([...KNOWN, ...burst]));
  });

  test('the worker dies: log() says so once on stderr and never hangs; finish() rejects with SWANLAB_WORKER_DIED', async () => {
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('worker-dies.mjs', logdir);
    assert.deepEqual([e.code, e.signal], [0, null], e.stderr);
    const result = JSON.parse(e.stdout) as { logErrors: number; finish: { code: string; message: string } | string; currentAfter: string };
    assert.equal(result.logErrors, 0, '100 000 log() calls after the death neither threw nor hung');
    assert.equal(typeof result.finish, 'object', 'finish() rejected');
    const finish = result.finish as { code: string; message: string };
    assert.equal(finish.code, 'SWANLAB_WORKER_DIED');
    assert.match(finish.message, /worker thread stopped.*exited \(code 1\) before the run finished/);
    assert.equal(result.currentAfter, 'none', 'the dead run is no longer current');
    const lines = stderrLines(e);
    assert.equal(lines.filter((l) => l.includes('worker thread stopped')).length, 2, e.stderr);
    assert.equal(lines.length, 2, e.stderr);
    assert.match(lines[0]!, /^swanlab: log\(\): swanlab-node's worker thread stopped \(.*\); nothing more is recorded for run /);
    assert.match(lines[1]!, /^swanlab: run .* did not finish cleanly: swanlab-node's worker thread stopped/);
    const run = readOnlyRun(logdir);
    assert.deepEqual(run.transcript, expectedTranscript(KNOWN), 'what the worker wrote before it died, nothing after');
    assert.equal(run.stoppedAt, null);
  });

  test('a burst of 200 000 log() calls then process.exit(0) at once: the exit handshake drains the ring', async () => {
    const n = 200_000;
    const logdir = tempDir('swanlab-exit-');
    const e = await runFixture('exit-burst.mjs', logdir, String(n));
    assert.deepEqual([e.code, e.signal, splitFinishLine(e.stderr, 'finished in').rest], [0, null, '']);
    const runs = fs.readdirSync(logdir).filter((d) => d.startsWith('run-'));
    assert.equal(runs.length, 1);
    const reader = readRun(path.join(logdir, runs[0]!));
    // Checked as it streams: 400 000 transcript strings would cost more than the check.
    let next = 0; // index of the next expected scalar: x@i then y@i
    const kinds: string[] = [];
    let finishState: string | undefined;
    for (const r of reader) {
      const v = r.recordType;
      // The run's own records (monitor, environment snapshot, console) are checked above.
      if (v.case === 'log' || (v.case === 'save' && v.value.name !== 'config')) continue;
      if ((v.case === 'scalar' || v.case === 'column') && isSystemKey(v.case === 'scalar' ? v.value.key : v.value.columnKey)) continue;
      if (v.case === 'scalar') {
        const i = next >> 1;
        const [key, value] = next & 1 ? ['y', -i] : ['x', i];
        if (v.value.key !== key || v.value.step !== BigInt(i) || v.value.value?.number !== value) {
          assert.fail(`scalar #${next}: ${v.value.key}@${v.value.step}=${v.value.value?.number}, expected ${key}@${i}=${value}`);
        }
        next++;
      } else {
        kinds.push(v.case === 'column' ? `column:${v.value.columnKey}` : String(v.case));
        if (v.case === 'finish') finishState = RunState[v.value.state];
      }
    }
    assert.equal(next, 2 * n, 'every value of the burst is in the file, once');
    assert.deepEqual(kinds, ['start', 'save', 'column:x', 'column:y', 'finish']);
    assert.equal(finishState, 'FINISHED');
    assert.equal(reader.stoppedAt, null);
  });
});
