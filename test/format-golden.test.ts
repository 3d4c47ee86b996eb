// The format module against files written by SwanLab v0.9.7 itself
// (../shared/testdata/swanlab-0.9.7/README.md): nobody on this project wrote those bytes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fromJson, toJson } from '@bufbuild/protobuf';
import {
  RunFileWriter,
  RunRecordSchema,
  encodeKeyField,
  encodeRecord,
  encodeScalarRecord,
  frameRecords,
  msFromTimestamp,
  readRun,
  scalarRecordMaxLength,
  type RunRecord,
} from '../src/format/index.js';

const GOLDEN = path.join(__dirname, '..', '..', 'shared', 'testdata', 'swanlab-0.9.7');
const RUN_DIR = path.join(GOLDEN, 'run-20261126_000000-golden01');
const RUN_FILE = path.join(RUN_DIR, 'run-golden01.swanlab');
const TORN_DIR = path.join(GOLDEN, 'torn', 'run-20261126_000000-golden01');
const TORN_RECORDS = 6007;

const jsonLines = fs.readFileSync(path.join(GOLDEN, 'run-golden01.records.jsonl'), 'utf8').trimEnd().split('\n');
const hexLines = fs.readFileSync(path.join(GOLDEN, 'run-golden01.payloads.hex'), 'utf8').trimEnd().split('\n');
const goldenJson: unknown[] = jsonLines.map((l) => JSON.parse(l));
const goldenPayloads = hexLines.map((h) => new Uint8Array(Buffer.from(h, 'hex')));

/** The golden JSON form of a decoded record (proto field names, int64 as strings, …). */
function asJson(record: RunRecord): unknown {
  return toJson(RunRecordSchema, record, { useProtoFieldName: true });
}

/** -0.0 survives JSON.parse of the golden line but not every JSON printer: check it on the message. */
function assertScalarSign(record: RunRecord, expected: unknown, i: number): void {
  const number = (expected as { scalar?: { value?: { number?: unknown } } }).scalar?.value?.number;
  if (typeof number === 'number' && record.recordType.case === 'scalar') {
    assert.ok(Object.is(record.recordType.value.value?.number, number), `record ${i}: number ${number}`);
  }
}

test('the golden data is what the README says', () => {
  assert.equal(jsonLines.length, 6023);
  assert.equal(hexLines.length, 6023);
  assert.equal(fs.statSync(RUN_FILE).size, 465785);
});

test('readRun yields exactly the records of records.jsonl, then a clean end', () => {
  const reader = readRun(RUN_DIR);
  assert.equal(reader.path, RUN_FILE);
  let i = 0;
  for (const record of reader) {
    assert.deepStrictEqual(asJson(record), goldenJson[i], `record ${i}`);
    assertScalarSign(record, goldenJson[i], i);
    i++;
  }
  assert.equal(i, goldenJson.length);
  assert.equal(reader.count, goldenJson.length);
  assert.equal(reader.stoppedAt, null);
});

test('the -0.0 scalar of the golden file decodes as -0, not +0', () => {
  const index = jsonLines.findIndex((l) => l.includes('"number": -0.0'));
  assert.ok(index > 0, 'the golden file has a -0.0 scalar');
  const record = [...readRun(RUN_FILE)][index]!;
  assert.equal(record.recordType.case, 'scalar');
  assert.ok(Object.is(record.recordType.value!.value!.number, -0));
});

test('readRun of the torn copy yields the first 6007 records and says where it stopped', () => {
  const reader = readRun(TORN_DIR);
  const records = [...reader];
  assert.equal(records.length, TORN_RECORDS);
  assert.equal(reader.count, TORN_RECORDS);
  records.forEach((r, i) => assert.deepStrictEqual(asJson(r), goldenJson[i], `record ${i}`));
  // The stop offset is the end of record 6007 in the intact golden file.
  const expectedOffset = frameRecords(goldenPayloads.slice(0, TORN_RECORDS)).length;
  assert.deepEqual(reader.stoppedAt, {
    offset: expectedOffset,
    reason: `file ends inside the chunk at offset ${expectedOffset}`,
  });
  const torn = fs.readFileSync(reader.path);
  assert.ok(expectedOffset < torn.length, 'the torn file holds part of record 6008');
  assert.ok(torn.equals(fs.readFileSync(RUN_FILE).subarray(0, torn.length)), 'the torn file is a prefix of the golden one');
});

test('encodeRecord turns each golden JSON record into the bytes of its payloads.hex line', () => {
  for (let i = 0; i < goldenJson.length; i++) {
    const record = fromJson(RunRecordSchema, goldenJson[i] as never);
    assert.equal(Buffer.from(encodeRecord(record)).toString('hex'), hexLines[i], `record ${i}`);
  }
});

test('encodeScalarRecord (the hot path, millisecond times) gives the golden bytes of every scalar', () => {
  const out = new Uint8Array(4096);
  let scalars = 0;
  for (let i = 0; i < goldenJson.length; i++) {
    const record = fromJson(RunRecordSchema, goldenJson[i] as never);
    if (record.recordType.case !== 'scalar') continue;
    const s = record.recordType.value;
    const n = encodeScalarRecord(
      out,
      Number(record.num),
      encodeKeyField(s.key),
      Number(s.step),
      msFromTimestamp(record.timestamp!),
      s.value!.number,
    );
    assert.ok(n <= scalarRecordMaxLength(encodeKeyField(s.key)));
    assert.equal(Buffer.from(out.subarray(0, n)).toString('hex'), hexLines[i], `record ${i}`);
    scalars++;
  }
  assert.equal(scalars, 6007);
});

test('RunFileWriter fed the golden payloads writes the golden file byte for byte', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-golden-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'run-golden01.swanlab');
  const writer = RunFileWriter.create(file);
  const scratch = new Uint8Array(80_000);
  goldenPayloads.forEach((p, i) => {
    // Both append forms: a whole payload, and the first bytes of a reused scratch buffer.
    if (i % 2 === 0) writer.append(p);
    else {
      scratch.set(p);
      writer.append(scratch, p.length);
    }
    // Flush at odd moments: framing must not depend on what reached the file.
    if (i % 1000 === 999) writer.flush();
  });
  assert.ok(writer.bufferedBytes > 0);
  writer.close();
  assert.ok(fs.readFileSync(file).equals(fs.readFileSync(RUN_FILE)));
});

test('frameRecords of the golden payloads is the golden file', () => {
  assert.ok(frameRecords(goldenPayloads).equals(fs.readFileSync(RUN_FILE)));
});
