// Console capture (spec 4.2): the terminal that turns written text into committed lines, then
// whole processes (test/fixtures/console-capture.mjs) whose stdout and stderr are compared
// byte for byte with what they wrote, and whose LogRecords are compared line for line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readRun } from 'swanlab-node';
import { LineTerminal } from '../src/worker/console/terminal.js';
import { tempDir } from './helpers.js';

function lines(maxLength: number, ...writes: string[]): string[] {
  const out: string[] = [];
  const t = new LineTerminal(maxLength, (l) => out.push(l));
  for (const w of writes) t.write(w);
  t.end();
  return out;
}

describe('the terminal: committed lines out of written text', () => {
  test('\\r returns to column 0 and overwrites: a progress bar gives its final state only', () => {
    const bar = Array.from({ length: 11 }, (_, i) => `\r${String(i * 10).padStart(3)}%|${'#'.repeat(i).padEnd(10)}|`).join('');
    assert.deepEqual(lines(1024, bar, '\n'), ['100%|##########|']);
    assert.deepEqual(lines(1024, 'abcdef\rxy\n'), ['xycdef'], 'overwrite keeps what the new text does not cover');
    assert.deepEqual(lines(1024, 'a\r\n', 'b\r\n'), ['a', 'b'], 'CRLF line ends');
    assert.deepEqual(lines(1024, 'abc\b\bX\n'), ['aXc'], 'backspace');
  });

  test('ANSI colours, OSC titles and erase-in-line; sequences split across writes', () => {
    assert.deepEqual(lines(1024, '\x1b[31mred\x1b[0m \x1b[1;32mgreen\x1b[m\n'), ['red green']);
    assert.deepEqual(lines(1024, '\x1b]0;title\x07a\x1b]8;;http://x\x1b\\b\n'), ['ab']);
    assert.deepEqual(lines(1024, 'pre \x1b[3', '1mred\x1b', '[0m\n'), ['pre red']);
    assert.deepEqual(lines(1024, 'loading...\r\x1b[2Kdone\n'), ['done']);
    assert.deepEqual(lines(1024, 'abcdef\x1b[3D\x1b[K\n'), ['abc']);
    assert.deepEqual(lines(1024, 'ab\x1b[5Gc\n'), ['ab  c'], 'a cursor moved past the end leaves blanks');
    assert.deepEqual(lines(1024, 'bell\x07 ok\n'), ['bell ok']);
  });

  test('lines are cut at maxLength characters, astral characters counted once', () => {
    assert.deepEqual(lines(500, 'y'.repeat(5000), '\n'), ['y'.repeat(500)]);
    const emoji = '😀'.repeat(600);
    const [cut] = lines(500, emoji + '\n');
    assert.equal([...cut!].length, 500);
    assert.equal(cut, '😀'.repeat(500));
    assert.deepEqual(lines(500, 'z'.repeat(600), '\rAB\n'), ['AB' + 'z'.repeat(498)], 'a long line can still be overwritten');
  });

  test('empty lines count; an unfinished last line is committed at the end; nothing written, nothing committed', () => {
    assert.deepEqual(lines(1024, 'a\n\nb'), ['a', '', 'b']);
    assert.deepEqual(lines(1024), []);
    assert.deepEqual(lines(1024, '\r'), []);
  });
});

interface Ended {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

function runNode(args: string[], cwd?: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    const hang = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

const fixture = path.join(__dirname, 'fixtures', 'console-capture.mjs');

/** The one run folder in `logdir`: its console lines and their epochs. */
function consoleOf(logdir: string): { dir: string; lines: string[]; epochs: number[]; levels: number[] } {
  const runs = fs.readdirSync(logdir).filter((n) => n.startsWith('run-'));
  assert.equal(runs.length, 1);
  const dir = path.join(logdir, runs[0]!);
  const out = { dir, lines: [] as string[], epochs: [] as number[], levels: [] as number[] };
  for (const r of readRun(dir)) {
    if (r.recordType.case !== 'log') continue;
    out.lines.push(r.recordType.value.line);
    out.epochs.push(Number(r.recordType.value.epoch));
    out.levels.push(r.recordType.value.level);
  }
  return out;
}

/** What the fixture writes, stream by stream, after init(). */
function expectedOutput(): { stdout: string; stderr: string } {
  let stdout = 'before init: not recorded\nplain line\n';
  let stderr = '';
  for (let i = 0; i <= 10; i++) stderr += `\rprogress ${String(i * 10).padStart(3)}% ${'#'.repeat(i).padEnd(10, '.')}`;
  stderr += '\nerr-1\nerr-2\n';
  stdout += '\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m \x1b]0;window title\x07done\n';
  stdout += 'x'.repeat(5000) + '\nout-1\nout-2\n';
  for (let i = 0; i < 20_000; i++) stdout += `loop ${i}\n`;
  stdout += 'héllo wörld 😀 done\nno newline at exit';
  return { stdout, stderr };
}

const FINISH_LINE = /^swanlab: run \S+ finished in \d+\.\d s; its files are in (.+)$/;

describe('console capture in a process', { concurrency: true }, () => {
  test('all: the user sees their output unchanged; the run holds one line per committed line, numbered, ANSI-free, cut, with the unfinished last line', async () => {
    const logdir = tempDir('swanlab-console-');
    const e = await runNode([fixture, logdir]);
    assert.equal(e.code, 0, e.stderr.toString());
    const want = expectedOutput();
    assert.equal(e.stdout.toString(), want.stdout, 'stdout byte for byte');
    const stderr = e.stderr.toString();
    assert.ok(stderr.startsWith(want.stderr), `stderr starts with what the script wrote:\n${stderr.slice(0, 300)}`);
    const finishLine = stderr.slice(want.stderr.length);
    assert.match(finishLine, /^swanlab: run \S+ finished in .*\n$/, 'then only the finish line');

    const c = consoleOf(logdir);
    const loop = Array.from({ length: 20_000 }, (_, i) => `loop ${i}`);
    assert.deepEqual(c.lines.slice(0, 8), [
      'plain line',
      'progress 100% ##########',
      'red and bold green done',
      'x'.repeat(1024),
      'out-1',
      'err-1',
      'err-2',
      'out-2',
    ]);
    assert.deepEqual(c.lines.slice(8, 8 + loop.length), loop, 'every line of the tight loop, in order');
    assert.deepEqual(c.lines.slice(8 + loop.length), ['héllo wörld 😀 done', finishLine.slice(0, -1), 'no newline at exit']);
    assert.equal(FINISH_LINE.exec(finishLine.slice(0, -1))?.[1], c.dir, 'the finish line names the run folder');
    assert.deepEqual(c.epochs, c.lines.map((_, i) => i + 1), 'epoch is the 1-based line number');
    assert.ok(c.levels.every((l) => l === 0), 'stdout and stderr lines are INFO');
  });

  test('stdout only, lines cut at consoleMaxLength 600; none records no line', async () => {
    const stdoutOnly = tempDir('swanlab-console-');
    const none = tempDir('swanlab-console-');
    const [a, b] = await Promise.all([runNode([fixture, stdoutOnly, 'stdout', '600']), runNode([fixture, none, 'none'])]);
    assert.equal(a.code, 0, a.stderr.toString());
    assert.equal(b.code, 0, b.stderr.toString());
    const want = expectedOutput().stdout;
    assert.equal(a.stdout.toString(), want);
    assert.equal(b.stdout.toString(), want);
    const c = consoleOf(stdoutOnly);
    assert.deepEqual(c.lines.slice(0, 5), ['plain line', 'red and bold green done', 'x'.repeat(600), 'out-1', 'out-2']);
    assert.ok(!c.lines.some((l) => l.startsWith('progress') || l.startsWith('err-') || l.startsWith('swanlab:')), 'nothing of stderr');
    assert.equal(c.lines.at(-1), 'no newline at exit');
    assert.equal(c.lines.length, 5 + 20_000 + 2);
    assert.deepEqual(consoleOf(none).lines, []);
  });

  test('a captured console line costs the main thread about what a log() costs', async () => {
    // The best of up to three processes: on a loaded machine one process may run slow as a
    // whole (cores shared with other suites), which says nothing about the code.
    let best = { write: Infinity, log: Infinity };
    for (let attempt = 0; attempt < 3; attempt++) {
      const e = await runNode([path.join(__dirname, 'fixtures', 'console-cost.mjs'), tempDir('swanlab-console-')]);
      assert.equal(e.code, 0, e.stderr.toString());
      const { write, log } = JSON.parse(e.stderr.toString().trim().split('\n').at(-1)!) as { write: number; log: number };
      best = { write: Math.min(best.write, write), log: Math.min(best.log, log) };
      if (best.write < 4 * best.log + 200) break;
    }
    // ~150 ns against ~65 ns here (the UTF-8 copy into the ring is 75 of them), while the
    // write itself to a pipe or terminal costs microseconds; the bound leaves room for a
    // loaded 2-core CI machine.
    assert.ok(best.write < 4 * best.log + 200, `a console line costs ${best.write.toFixed(0)} ns, a log() ${best.log.toFixed(0)} ns`);
  });
});
