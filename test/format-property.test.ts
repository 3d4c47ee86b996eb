// Properties of the format module over random inputs (fast-check).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import {
  ColumnType,
  RunFileWriter,
  RunRecordSchema,
  encodeKeyField,
  encodeRecord,
  encodeScalarRecord,
  encodeScalarRecordAt,
  keyFieldWords,
  msFromTimestamp,
  readRun,
  scalarRecordMaxLength,
  timestampFromMs,
} from '../src/format/index.js';
import { crc32 } from '../src/format/crc32.js';

const GOLDEN_HEX = path.join(__dirname, '..', '..', 'shared', 'testdata', 'swanlab-0.9.7', 'run-golden01.payloads.hex');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swanlab-prop-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const nextFile = (): string => path.join(tmp, `run-${fileNo++}.swanlab`);

/** The generic route for the same record: @bufbuild/protobuf's `toBinary`. */
function bufbuildScalar(num: number, key: string, step: number, timeMs: number, value: number): Uint8Array {
  const ts = timestampFromMs(timeMs);
  const record = create(RunRecordSchema, {
    num: BigInt(num),
    timestamp: ts,
    recordType: { case: 'scalar', value: { key, step: BigInt(step), type: ColumnType.SCALAR, timestamp: ts, value: { number: value } } },
  });
  return toBinary(RunRecordSchema, record);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
// Millisecond times from 1900 to 2200, fractional.
const timeMs = fc.double({ min: -2.2e12, max: 7.3e12, noNaN: true });

test('timestampFromMs keeps a time to the microsecond, with 0 <= nanos < 1e9', () => {
  fc.assert(
    fc.property(timeMs, (t) => {
      const ts = timestampFromMs(t);
      assert.ok(ts.nanos >= 0 && ts.nanos < 1e9 && ts.nanos % 1000 === 0, `nanos ${ts.nanos}`);
      assert.ok(Math.abs(msFromTimestamp(ts) - t) <= 0.0005 + Math.abs(t) * 2 ** -52, `${t} -> ${ts.seconds}s ${ts.nanos}ns`);
    }),
    { numRuns: 2000 },
  );
});

test('the hand scalar encoder writes the bytes of @bufbuild/protobuf toBinary', () => {
  // Proto3 implicit presence of a double: upb (SwanLab's runtime) omits only +0.0 and writes
  // -0.0. @bufbuild/protobuf once omitted -0.0 too (a `!== 0` test); the 2.17 we use tests
  // with Object.is and agrees with upb, so -0.0 is no exception here. Its golden-file form
  // is pinned separately below, so a regression on either side shows.
  const out = new Uint8Array(200_000);
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.maxSafeInteger(),
      fc.maxSafeNat(),
      timeMs,
      fc.double(),
      (key, num, step, t, value) => {
        const keyField = encodeKeyField(key);
        const n = encodeScalarRecord(out, num, keyField, step, t, value);
        assert.ok(n <= scalarRecordMaxLength(keyField));
        assert.equal(hex(out.subarray(0, n)), hex(bufbuildScalar(num, key, step, t, value)));
      },
    ),
    { numRuns: 3000 },
  );
  // Long keys need a multi-byte length.
  const key = 'k'.repeat(100_000);
  const n = encodeScalarRecord(out, 1, encodeKeyField(key), 2, 3, -0);
  assert.equal(hex(out.subarray(0, n)), hex(bufbuildScalar(1, key, 2, 3, -0)));
});

test("records that share a time, or follow another route's timestamp, are encoded with their own time and key", () => {
  // The encoder keeps the latest Timestamp's bytes between calls (the worker stamps a whole
  // pass with one time); encodeRecord sets them from a Timestamp of its own. Times come from a
  // pool of three so that calls repeat, alternate and return to a time; each record goes into
  // a roomy buffer and into one of exactly its size (the word copy's fallback at the end).
  const roomy = new Uint8Array(512);
  fc.assert(
    fc.property(
      fc.tuple(timeMs, timeMs, timeMs),
      fc.array(
        fc.record({
          route: fc.constantFrom('scalar', 'record'),
          t: fc.nat(2),
          num: fc.maxSafeNat(),
          key: fc.string({ unit: 'binary', maxLength: 30 }),
          step: fc.maxSafeNat(),
          // +0.0 ends the record with its shortest value field (2 bytes).
          value: fc.oneof(fc.constant(0), fc.double()),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      (times, calls) => {
        for (const c of calls) {
          const t = times[c.t]!;
          const want = hex(bufbuildScalar(c.num, c.key, c.step, t, c.value));
          if (c.route === 'record') {
            const ts = timestampFromMs(t);
            const record = create(RunRecordSchema, {
              num: BigInt(c.num),
              timestamp: ts,
              recordType: { case: 'scalar', value: { key: c.key, step: BigInt(c.step), type: ColumnType.SCALAR, timestamp: ts, value: { number: c.value } } },
            });
            assert.equal(hex(encodeRecord(record)), want);
            continue;
          }
          const keyField = encodeKeyField(c.key);
          const n = encodeScalarRecord(roomy, c.num, keyField, c.step, t, c.value);
          assert.equal(hex(roomy.subarray(0, n)), want);
          const exact = new Uint8Array(want.length / 2);
          assert.equal(hex(exact.subarray(0, encodeScalarRecord(exact, c.num, keyField, c.step, t, c.value))), want);
          // The worker's route: the key copied in words, at an unaligned offset.
          const words = keyFieldWords(keyField);
          const m = encodeScalarRecordAt(roomy, 3, c.num, keyField, c.step, t, c.value, words);
          assert.equal(hex(roomy.subarray(3, 3 + m)), want);
          const exactAt = new Uint8Array(3 + want.length / 2);
          assert.equal(hex(exactAt.subarray(3, 3 + encodeScalarRecordAt(exactAt, 3, c.num, keyField, c.step, t, c.value, words))), want);
        }
      },
    ),
    { numRuns: 1500 },
  );
});

test('the chunk CRC is zlib\'s CRC-32 at any offset, length and seed', () => {
  // Word loads at unaligned offsets, bytes with the top bit set (negative words), the byte
  // tail, and the zlib route from 256 bytes on.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.nat(7), fc.nat(7), fc.nat(4), (bytes, before, after, type) => {
      const buf = new Uint8Array(before + bytes.length + after).fill(0xff);
      buf.set(bytes, before);
      const seed = zlib.crc32(Uint8Array.of(type));
      const view = new DataView(buf.buffer);
      assert.equal(crc32(buf, view, before, bytes.length, seed), zlib.crc32(bytes, seed));
    }),
    { numRuns: 2000 },
  );
});

test('a -0.0 scalar is written as in the golden file, value field present with its 8 bytes', () => {
  const golden = fs.readFileSync(GOLDEN_HEX, 'utf8').split('\n')[9]!; // num 6: train/loss step 4 = -0.0
  const out = new Uint8Array(128);
  const time = Date.UTC(2026, 10, 26, 0, 0, 1) + 0.004; // 2026-11-26T00:00:01.000004Z
  const n = encodeScalarRecord(out, 6, encodeKeyField('train/loss'), 4, time, -0);
  assert.equal(hex(out.subarray(0, n)), golden);
  assert.ok(golden.endsWith('2a09090000000000000080'));
  // And +0.0 leaves the value message empty, as upb does.
  const m = encodeScalarRecord(out, 6, encodeKeyField('train/loss'), 4, time, 0);
  assert.ok(hex(out.subarray(0, m)).endsWith('2a00'));
});

test('encodeRecord gives toBinary bytes for scalar records of any shape', () => {
  const ts = fc.record({ seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), nanos: fc.integer({ min: 0, max: 999_999_999 }) });
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.option(ts, { nil: undefined }),
      fc.option(ts, { nil: undefined }),
      fc.string(),
      fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      fc.constantFrom(ColumnType.SCALAR, ColumnType.UNSPECIFIED, ColumnType.IMAGE),
      fc.option(fc.double(), { nil: undefined }),
      (num, recordTs, scalarTs, key, step, type, number) => {
        const record = create(RunRecordSchema, {
          num,
          ...(recordTs ? { timestamp: recordTs } : {}),
          recordType: {
            case: 'scalar',
            value: { key, step, type, ...(scalarTs ? { timestamp: scalarTs } : {}), ...(number !== undefined ? { value: { number } } : {}) },
          },
        });
        assert.equal(hex(encodeRecord(record)), hex(toBinary(RunRecordSchema, record)));
      },
    ),
    { numRuns: 1000 },
  );
});

/** Deterministic payload bytes, so that a shrunk counterexample can be replayed. */
function payloadOf(size: number, seed: number): Uint8Array {
  const p = new Uint8Array(size);
  let x = (seed * 2654435761 + size) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x & 0xff;
  }
  return p;
}

// Sizes around the block geometry (32768-byte blocks, 7-byte headers, 32761-byte fragments)
// as well as small and large random ones.
const payloadSize = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.constantFrom(0, 1, 32747, 32750, 32754, 32755, 32760, 32761, 32762, 65522, 65523, 65529, 98283),
);
const payloadSizes = fc.array(payloadSize, { maxLength: 12 });

/** Write payloads with RunFileWriter; return the file and each record's end offset. */
function writeRun(payloads: Uint8Array[], flushEvery: number): { file: string; ends: number[] } {
  const file = nextFile();
  const writer = RunFileWriter.create(file);
  const ends: number[] = [];
  let flushed = 0;
  payloads.forEach((p, i) => {
    writer.append(p);
    ends.push(flushed + writer.bufferedBytes);
    if (i % flushEvery === flushEvery - 1) {
      flushed += writer.bufferedBytes;
      writer.flush();
    }
  });
  writer.close();
  return { file, ends };
}

test('payloads of any size framed by RunFileWriter read back exactly', () => {
  fc.assert(
    fc.property(payloadSizes, fc.integer({ min: 1, max: 4 }), (sizes, flushEvery) => {
      const payloads = sizes.map((s, i) => payloadOf(s, i));
      const { file, ends } = writeRun(payloads, flushEvery);
      assert.equal(fs.statSync(file).size, ends.at(-1) ?? 7);
      const reader = readRun(file);
      const back = [...reader.payloads()];
      assert.equal(back.length, payloads.length);
      back.forEach((b, i) => assert.ok(Buffer.from(b).equals(payloads[i]!), `payload ${i} (${sizes[i]} bytes)`));
      assert.equal(reader.stoppedAt, null);
      assert.equal(reader.count, payloads.length);
      fs.unlinkSync(file);
    }),
    { numRuns: 60 },
  );
});

test('a file cut at any byte reads as the records that end before the cut', () => {
  // A cut exactly at a record's end (or right after the file header) leaves a clean,
  // shorter file: stoppedAt is null. Anywhere else, including inside the zero padding
  // that precedes the next record, part of a record is missing: stoppedAt is non-null and
  // points at the end of the last whole record, so truncating there repairs the file.
  fc.assert(
    fc.property(payloadSizes, fc.nat(), fc.integer({ min: -3, max: 8 }), fc.boolean(), (sizes, seed, delta, nearBoundary) => {
      const payloads = sizes.map((s, i) => payloadOf(s, i));
      const { file, ends } = writeRun(payloads, 3);
      const whole = fs.readFileSync(file);
      const boundaries = [7, ...ends];
      // Half the cuts land on or near a record boundary (where the padding and the next
      // chunk header are), the others anywhere.
      const cut = nearBoundary
        ? Math.max(0, Math.min(whole.length, boundaries[seed % boundaries.length]! + delta))
        : seed % (whole.length + 1);
      fs.writeFileSync(file, whole.subarray(0, cut));

      const kept = ends.filter((e) => e <= cut).length;
      // Before the header is whole, the last good offset is 0.
      const boundary = boundaries.filter((e) => e <= cut).at(-1) ?? 0;
      const reader = readRun(file);
      const back = [...reader.payloads()];
      assert.equal(back.length, kept, `cut ${cut} of ${whole.length}`);
      back.forEach((b, i) => assert.ok(Buffer.from(b).equals(payloads[i]!)));
      if (boundaries.includes(cut)) assert.equal(reader.stoppedAt, null, `cut ${cut} is a record boundary`);
      else assert.equal(reader.stoppedAt?.offset, boundary, `cut ${cut}: ${JSON.stringify(reader.stoppedAt)}`);
      fs.unlinkSync(file);
    }),
    {
      numRuns: 200,
      // Always try these: a cut inside the 4 bytes of padding after a 32750-byte record,
      // one at the end of that padding, and one inside the file header.
      examples: [
        [[32750, 5], 1, 2, true],
        [[32750, 5], 1, 4, true],
        [[], 0, -3, true],
      ],
    },
  );
});

test('a damaged byte stops reading at the record it belongs to, never yielding it', () => {
  fc.assert(
    fc.property(payloadSizes.filter((s) => s.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (sizes, at, xor) => {
      const payloads = sizes.map((s, i) => payloadOf(s, i));
      const { file, ends } = writeRun(payloads, 2);
      const bytes = fs.readFileSync(file);
      const pos = 7 + (at % (bytes.length - 7));
      bytes[pos]! ^= xor;
      fs.writeFileSync(file, bytes);

      // The damaged record is the first one ending after `pos` (its padding included).
      const damaged = ends.findIndex((e) => e > pos);
      const reader = readRun(file);
      const back = [...reader.payloads()];
      assert.equal(back.length, damaged, `byte ${pos} of ${bytes.length}`);
      back.forEach((b, i) => assert.ok(Buffer.from(b).equals(payloads[i]!)));
      assert.equal(reader.stoppedAt?.offset, damaged === 0 ? 7 : ends[damaged - 1]);
      fs.unlinkSync(file);
    }),
    { numRuns: 200 },
  );
});

test('the hand encoder refuses what it cannot encode instead of writing a corrupt record', () => {
  const out = new Uint8Array(128);
  const key = encodeKeyField('k');
  for (const [num, step, time] of [
    [1, 0, Number.NaN],
    [1, 0, Number.POSITIVE_INFINITY],
    [1, 1.5, 0],
    [1, 2 ** 53, 0],
    [0.5, 1, 0],
  ] as const) {
    assert.throws(() => encodeScalarRecord(out, num, key, step, time, 1), RangeError, `num ${num} step ${step} time ${time}`);
  }
});
