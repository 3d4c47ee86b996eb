// readRun's and RunFileWriter's edges: what is an error (not a run file) and what is only a
// torn or corrupt tail (reading stops, stoppedAt says why).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  FILE_HEADER,
  RUN_FILE_ERROR_CODE,
  RunFileError,
  RunFileWriter,
  frameRecords,
  logRecord,
  LogLevel,
  readRun,
  scalarRecord,
} from '../src/format/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-reader-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** Write `bytes` as a run file in a fresh folder; return the file path. */
function runFile(bytes: Uint8Array, name = 'run-x.swanlab'): string {
  const dir = path.join(tmp, `d${n++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, name), bytes);
  return path.join(dir, name);
}

const records = [scalarRecord(1, 'a', 0, 1000, 1), logRecord(2, 'hi', LogLevel.INFO, 1, 1000), scalarRecord(3, 'a', 1, 1000, 2)];

test('a file with another ident is refused with a RunFileError naming it', () => {
  const file = runFile(Buffer.from('{"not": "a run file"}'));
  assert.throws(
    () => readRun(file),
    (err: unknown) =>
      err instanceof RunFileError && err.code === RUN_FILE_ERROR_CODE && err.path === file && err.message.includes('is not a SwanLab run file'),
  );
});

test('a file of another version is refused with "Invalid run version N"', () => {
  const bytes = frameRecords(records);
  bytes[6] = 1; // v0.7's backup.swanlab
  const file = runFile(bytes);
  assert.throws(() => readRun(file), /^RunFileError: Invalid run version 1 in .*use a matching SDK version/);
});

test('a file torn inside its header is an empty run that stopped at 0, not an error', () => {
  for (const len of [0, 3, 6]) {
    const reader = readRun(runFile(FILE_HEADER.subarray(0, len)));
    assert.deepEqual([...reader], []);
    assert.deepEqual(reader.stoppedAt, { offset: 0, reason: 'file ends inside the 7-byte file header' });
  }
  const empty = readRun(runFile(FILE_HEADER));
  assert.deepEqual([...empty], []);
  assert.equal(empty.stoppedAt, null);
});

test('a run folder must hold exactly one run-*.swanlab', () => {
  const dir = path.join(tmp, 'folder');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'run-a.swanlab.bak'), '');
  assert.throws(() => readRun(dir), (e: unknown) => e instanceof RunFileError && e.message === `${dir} must hold exactly one run-*.swanlab file, found none`);
  fs.writeFileSync(path.join(dir, 'run-b.swanlab'), frameRecords(records));
  assert.equal([...readRun(dir)].length, 3);
  fs.writeFileSync(path.join(dir, 'run-a.swanlab'), frameRecords(records));
  assert.throws(() => readRun(dir), { message: `${dir} must hold exactly one run-*.swanlab file, found 2: run-a.swanlab, run-b.swanlab` });
});

test('a well-framed record that is not a protobuf Record stops reading there', () => {
  const junk = Uint8Array.of(0x0a, 0x05, 0x61); // field 1 says 5 bytes follow, 1 does
  const file = runFile(frameRecords([records[0]!, junk, records[1]!]));
  const reader = readRun(file);
  const got = [...reader];
  assert.equal(got.length, 1);
  assert.equal(reader.count, 1);
  const offset = frameRecords([records[0]!]).length;
  assert.equal(reader.stoppedAt?.offset, offset);
  assert.match(reader.stoppedAt!.reason, new RegExp(`^undecodable record at offset ${offset}: `));
  // The raw payloads are all there: the framing is intact.
  assert.equal([...readRun(file).payloads()].length, 3);
});

test('non-zero padding, a bad chunk type and a fragment out of sequence stop reading', () => {
  const first = new Uint8Array(32750); // leaves 4 bytes of padding before the next record
  const good = frameRecords([first, records[0]!]);
  const end = 7 + 7 + first.length;

  const padded = Buffer.from(good);
  padded[end + 1] = 9;
  let r = readRun(runFile(padded));
  assert.equal([...r.payloads()].length, 1);
  assert.deepEqual(r.stoppedAt, { offset: end, reason: `non-zero byte in block padding at offset ${end + 1}` });

  const badType = Buffer.from(frameRecords(records));
  badType[7 + 6] = 7;
  r = readRun(runFile(badType));
  assert.equal([...r].length, 0);
  assert.deepEqual(r.stoppedAt, { offset: 7, reason: 'invalid chunk type 7 at offset 7' });

  // A LAST chunk with no FIRST before it: take the tail of a record split across blocks.
  const split = frameRecords([new Uint8Array(40_000)]);
  const orphan = Buffer.concat([FILE_HEADER, split.subarray(32768)]);
  r = readRun(runFile(orphan));
  assert.equal([...r.payloads()].length, 0);
  assert.equal(r.stoppedAt?.reason, 'chunk of type 4 at offset 7 continues no record');
});

test('iterating twice reads the file twice; breaking early leaves no file open', () => {
  const reader = readRun(runFile(frameRecords(records)));
  const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
  const before = fs.existsSync('/proc/self/fd') ? openFds() : 0;
  for (let i = 0; i < 20; i++) for (const _ of reader) break;
  if (before > 0) assert.ok(openFds() < before + 20, 'each early break closed its file');
  assert.equal([...reader].length, 3);
  assert.equal(reader.count, 3);
  assert.equal([...reader].length, 3);
});

test('RunFileWriter refuses an existing file, and close is idempotent', () => {
  const file = path.join(tmp, 'run-w.swanlab');
  const w = RunFileWriter.create(file);
  assert.throws(() => RunFileWriter.create(file), { code: 'EEXIST' });
  assert.equal(w.bufferedBytes, 7);
  w.append(records[0]!);
  assert.equal(fs.statSync(file).size, 0, 'nothing reaches the file before a flush');
  w.flush();
  assert.equal(w.bufferedBytes, 0);
  assert.equal(fs.statSync(file).size, 7 + 7 + records[0]!.length);
  w.close();
  w.close();
  assert.throws(() => w.flush(), /closed/);
  const w2 = RunFileWriter.create(path.join(tmp, 'x.swanlab'));
  assert.throws(() => w2.append(records[0]!, records[0]!.length + 1), RangeError);
  w2.close();
});

test('a record that ends with exactly a header’s room left in its block starts the next one with an empty FIRST chunk', () => {
  // 7 (file header) + 7 + 32747 = 32761: 7 bytes left, as LevelDB and SwanLab's writer do.
  const bytes = frameRecords([new Uint8Array(32747), Uint8Array.of(42)]);
  assert.equal(bytes.readUInt16LE(32761 + 4), 0);
  assert.equal(bytes[32761 + 6], 2); // FIRST, 0 bytes
  assert.equal(bytes.readUInt16LE(32768 + 4), 1);
  assert.equal(bytes[32768 + 6], 4); // LAST, 1 byte
  const back = [...readRun(runFile(bytes)).payloads()];
  assert.deepEqual(back[1], Uint8Array.of(42));
});
