// Our writer checked by code that shares nothing with it: records are written with
// RunFileWriter, de-framed by a minimal deframer written here from spec 1.2 (not our reader),
// and decoded by protobufjs from our proto/ files (not @bufbuild/protobuf).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import {
  ChartType,
  ColumnClass,
  ColumnType,
  LogLevel,
  RecordNum,
  ResumeMode,
  RunFileWriter,
  RunState,
  SaveType,
  SectionType,
  columnRecord,
  encodeKeyField,
  finishRecord,
  logRecord,
  mediaRecord,
  saveRecord,
  scalarRecord,
  startRecord,
} from '../src/format/index.js';

const PROTO_DIR = path.join(__dirname, '..', 'proto');

/** protobufjs's Record type, built from our .proto files at test time. */
function loadRecordType(): protobuf.Type {
  const root = new protobuf.Root();
  // Imports are relative to proto/; google/* comes with protobufjs.
  root.resolvePath = (_origin, target) => (target.startsWith('google/') ? target : path.join(PROTO_DIR, target));
  root.loadSync('swanlab/record/v1/record.proto', { keepCase: true });
  return root.lookupType('swanlab.record.v1.Record');
}

/** Spec 1.2 read naively: skip the header, walk blocks, check each CRC, join fragments. */
function deframe(file: Buffer): Buffer[] {
  assert.equal(file.subarray(0, 7).toString('hex'), '3a53574cd6e102');
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  let pos = 7;
  while (pos < file.length) {
    const inBlock = pos % 32768;
    if (32768 - inBlock < 7) {
      assert.ok(file.subarray(pos, pos + 32768 - inBlock).every((b) => b === 0), `padding at ${pos}`);
      pos += 32768 - inBlock;
      continue;
    }
    const crc = file.readUInt32LE(pos);
    const len = file.readUInt16LE(pos + 4);
    const type = file[pos + 6]!;
    assert.ok(inBlock + 7 + len <= 32768, `chunk at ${pos} stays in its block`);
    const data = file.subarray(pos + 7, pos + 7 + len);
    assert.equal(zlib.crc32(Buffer.concat([Buffer.of(type), data])), crc, `crc at ${pos}`);
    if (type === 1) {
      assert.equal(pending.length, 0);
      out.push(data);
    } else if (type === 2) {
      assert.equal(pending.length, 0);
      pending = [data];
    } else {
      assert.ok(pending.length > 0 && (type === 3 || type === 4), `type ${type} at ${pos}`);
      pending.push(data);
      if (type === 4) {
        out.push(Buffer.concat(pending));
        pending = [];
      }
    }
    pos += 7 + len;
  }
  assert.equal(pos, file.length);
  assert.equal(pending.length, 0);
  return out;
}

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0) + 0.25; // a fractional millisecond: 250 µs
const LONG_LINE = Array.from({ length: 70_000 }, (_, i) => String.fromCharCode(0x61 + (i % 26))).join('').replace(/a/g, 'é');
const SCALARS: [string, number, number][] = [
  ['train/loss', 0, 0.5],
  ['train/loss', 1, Number.NaN],
  ['train/loss', 2, Number.POSITIVE_INFINITY],
  ['train/loss', 3, Number.NEGATIVE_INFINITY],
  ['train/loss', 4, -0],
  ['train/loss', 5, 0],
  ['train/loss', 6, Number.MIN_VALUE],
  ['train/loss', 7, Number.MAX_VALUE],
  ['ключ/🚀', Number.MAX_SAFE_INTEGER, -123.456],
];

/** The protobufjs view of a decoded record: int64 as strings, enums as names, defaults omitted. */
type Plain = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('records written by RunFileWriter decode with protobufjs to what was written', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-indep-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'run-indep.swanlab');
  const writer = RunFileWriter.create(file);
  let num = 0;

  writer.append(
    startRecord({
      project: 'p',
      workspace: 'ws',
      public: true,
      name: 'n',
      description: 'd',
      tags: ['x', 'y'],
      group: 'g',
      jobType: 'train',
      color: '#528d59',
      id: 'abc12345',
      resume: ResumeMode.ALLOW,
      startedAtMs: T0,
    }),
  );
  writer.append(saveRecord(RecordNum.METADATA, { name: 'metadata', sourcePath: '/r/files/swanlab-metadata.json', type: SaveType.METADATA }, T0));
  writer.append(saveRecord(RecordNum.CONFIG, { name: 'config', sourcePath: '/r/files/config.yaml', type: SaveType.CONFIG }, T0));
  writer.append(
    columnRecord(
      ++num,
      {
        key: '__swanlab__.cpu.pct',
        columnClass: ColumnClass.SYSTEM,
        columnType: ColumnType.SCALAR,
        sectionType: SectionType.SYSTEM,
        yRange: { min: 0 },
        chartName: 'CPU',
        chartType: ChartType.LINE,
        metricColors: { light: '#fff' },
      },
      T0,
    ),
  );
  const scalarNums: number[] = [];
  SCALARS.forEach(([key, step, value], i) => {
    scalarNums.push(++num);
    if (i % 2 === 0) writer.appendScalar(num, encodeKeyField(key), step, T0 + i, value);
    else writer.append(scalarRecord(num, key, step, T0 + i, value));
  });
  writer.append(
    mediaRecord(
      ++num,
      { key: 'img', step: 3, type: ColumnType.IMAGE, items: [{ filename: '003-00000000.png', sha256: 'ab'.repeat(32), size: 2 ** 40, caption: 'c' }] },
      T0,
    ),
  );
  writer.append(logRecord(++num, LONG_LINE, LogLevel.INFO, 1, T0));
  writer.append(logRecord(++num, 'boom ünï', LogLevel.ERROR, 2, T0));
  writer.flush();
  writer.append(finishRecord(RunState.CRASHED, 'Error: boom', T0 + 5000));
  writer.close();

  const Record = loadRecordType();
  const decoded: Plain[] = deframe(fs.readFileSync(file)).map((p) =>
    Record.toObject(Record.decode(p), { longs: String, enums: String }),
  );
  assert.equal(decoded.length, 4 + SCALARS.length + 4);

  const ts = { seconds: String(Math.floor(T0 / 1000)), nanos: 250_000 };
  const [start, meta, config, column] = decoded as [Plain, Plain, Plain, Plain];
  assert.deepEqual(start, {
    num: '-1',
    timestamp: ts,
    start: {
      project: 'p',
      workspace: 'ws',
      public: true,
      name: 'n',
      description: 'd',
      tags: ['x', 'y'],
      group: 'g',
      job_type: 'train',
      color: '#528d59',
      id: 'abc12345',
      resume: 'RESUME_MODE_ALLOW',
      started_at: ts,
    },
  });
  assert.deepEqual(meta, {
    num: '-4',
    timestamp: ts,
    save: { name: 'metadata', source_path: '/r/files/swanlab-metadata.json', type: 'SAVE_TYPE_METADATA' },
  });
  assert.equal(config.num, '-3');
  assert.equal(config.save.type, 'SAVE_TYPE_CONFIG');
  assert.deepEqual(column, {
    num: '1',
    timestamp: ts,
    column: {
      column_class: 'COLUMN_CLASS_SYSTEM',
      column_type: 'COLUMN_TYPE_SCALAR',
      column_key: '__swanlab__.cpu.pct',
      section_type: 'SECTION_TYPE_SYSTEM',
      y_range: { min: 0 }, // explicit presence: a 0 bound is written, an absent one is not
      chart_name: 'CPU',
      chart_type: 'CHART_TYPE_LINE',
      metric_colors: { light: '#fff' },
    },
  });

  SCALARS.forEach(([key, step, value], i) => {
    const r = decoded[4 + i]!;
    const when = { seconds: String(Math.floor((T0 + i) / 1000)), nanos: Math.round(((T0 + i) % 1000) * 1e6) };
    assert.equal(r.num, String(scalarNums[i]), `scalar ${i}`);
    assert.deepEqual(r.timestamp, when, `scalar ${i}`);
    assert.equal(r.scalar.key, key);
    assert.equal(r.scalar.step ?? '0', String(step));
    assert.equal(r.scalar.type, 'COLUMN_TYPE_SCALAR');
    assert.deepEqual(r.scalar.timestamp, when);
    assert.ok(r.scalar.value !== undefined, `scalar ${i}: the value message is present even when empty`);
    assert.ok(Object.is(r.scalar.value.number ?? 0, value), `scalar ${i}: ${r.scalar.value.number} vs ${value}`);
  });

  const [media, long, error, finish] = decoded.slice(4 + SCALARS.length) as [Plain, Plain, Plain, Plain];
  assert.deepEqual(media.media, {
    key: 'img',
    step: '3',
    type: 'COLUMN_TYPE_IMAGE',
    timestamp: ts,
    value: { items: [{ filename: '003-00000000.png', sha256: 'ab'.repeat(32), size: String(2 ** 40), caption: 'c' }] },
  });
  assert.equal(long.log.line, LONG_LINE);
  assert.ok(Buffer.byteLength(LONG_LINE) > 2 * 32768, 'the long line spans three blocks');
  assert.equal(long.log.epoch, '1');
  assert.equal(long.log.level, undefined); // INFO is the zero value: omitted
  assert.deepEqual(error.log, { line: 'boom ünï', level: 'LOG_LEVEL_ERROR', timestamp: ts, epoch: '2' });
  assert.deepEqual(finish, {
    num: '-2',
    timestamp: { seconds: String(Math.floor((T0 + 5000) / 1000)), nanos: 250_000 },
    finish: { state: 'RUN_STATE_CRASHED', error: 'Error: boom', finished_at: { seconds: String(Math.floor((T0 + 5000) / 1000)), nanos: 250_000 } },
  });
});
