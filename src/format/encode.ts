/**
 * Record payload encoding: a hand-written encoder for the scalar hot path, and
 * `encodeRecord` for every kind of record through the generated @bufbuild/protobuf code.
 *
 * Why the hand encoder exists: the worker writes one ScalarRecord per (key, step), up to
 * ~1.5 million a second, i.e. ~660 ns each for everything. bench/micro/scalar-encode.ts
 * (Node 20.20, 2-vCPU AMD EPYC dev VM, median ns per record, framing and tmpfs writes included;
 * a new time every record, the timestamp cache's worst case):
 *
 *   RunFileWriter.appendScalar (this encoder, in place)        ~275
 *   encodeScalarRecord into a scratch buffer + append          ~340
 *   encodeScalarRecord alone                                   ~145
 *   @bufbuild/protobuf create + toBinary + append            ~2 900
 *
 * The writes are the same in every row: the difference is all encoding (message objects,
 * BigInts, a BinaryWriter per record).
 *
 * Both encoders follow proto3 implicit presence as SwanLab's official (upb) runtime applies
 * it: a zero num/step is omitted; a double is omitted only when its bits are all zero
 * (+0.0), so -0.0, NaN and ±Infinity are written (the golden file holds a -0.0); message
 * fields (timestamps, the ScalarValue) are written whenever present, even when empty.
 * Fields go out in field-number order, as upb writes them.
 */
import { toBinary } from '@bufbuild/protobuf';
import { ColumnType } from './gen/swanlab/metric/column/v1/column_pb.js';
import type { ScalarRecord } from './gen/swanlab/metric/data/v1/data_pb.js';
import { RecordSchema, type Record } from './gen/swanlab/record/v1/record_pb.js';

/** Largest payload `encodeScalarRecord` writes besides the key field's own bytes. */
export const SCALAR_RECORD_OVERHEAD = 80;

const utf8 = new TextEncoder();

// Hot-path state, kept across calls so that a call allocates nothing: a DataView over the
// caller's (reused) output buffer, and the encoded body of the latest Timestamp message.
// The worker stamps every value of a log() call, and every call of a worker pass, with the
// same time, so the body is encoded once for many records (bench/micro/ring-drain.ts).
let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(8));
/** The `timeMs` whose Timestamp `timestampBody` holds (NaN: none, or set from seconds and nanos). */
let timestampTimeMs = NaN;
/**
 * Fields 1 (seconds) and 2 (nanos) of a Timestamp, each omitted when 0: 22 bytes at most. The
 * encoder copies it a word at a time through `timestampWords` (the same bytes, little-endian),
 * which is why it is padded to 24.
 */
const timestampBody = new Uint8Array(24);
const timestampWords = new Int32Array(6);
let timestampBodyLength = 0;

/**
 * Pre-encode field 1 (`key`) of a ScalarRecord: tag, length and UTF-8 bytes. Done once per
 * key, so the hot path only copies bytes. An empty key encodes to nothing (proto3 omits it).
 */
export function encodeKeyField(key: string): Uint8Array {
  if (key === '') return new Uint8Array(0);
  const bytes = utf8.encode(key);
  const out = new Uint8Array(1 + varintSize(bytes.length) + bytes.length);
  out[0] = 0x0a;
  out.set(bytes, writeVarint(out, 1, bytes.length));
  return out;
}

/**
 * `keyField`'s bytes as little-endian 32-bit words, the last one zero-padded: made once per
 * key beside `encodeKeyField`, they let `encodeScalarRecordAt` copy the key a word at a time
 * (bench/micro/ring-drain.ts: the byte loop was ~8 % of the worker's time a record).
 */
export function keyFieldWords(keyField: Uint8Array): Int32Array {
  return packWords(keyField, keyField.length, new Int32Array((keyField.length + 3) >> 2));
}

/** `bytes[0, length)` into `words` as little-endian 32-bit words (on any host), the last one zero-padded. */
function packWords(bytes: Uint8Array, length: number, words: Int32Array): Int32Array {
  for (let i = 0; i < length; i += 4) {
    let word = 0;
    for (let j = 0; j < 4 && i + j < length; j++) word |= bytes[i + j]! << (8 * j);
    words[i >> 2] = word;
  }
  return words;
}

/** Capacity `out` needs for `encodeScalarRecord` with this key field. */
export function scalarRecordMaxLength(keyField: Uint8Array): number {
  return keyField.length + SCALAR_RECORD_OVERHEAD;
}

/**
 * Encode `Record{num, timestamp, scalar{key, step, type=SCALAR, timestamp, value{number}}}`
 * into `out` from offset 0 and return its length. `out` needs
 * `scalarRecordMaxLength(keyField)` bytes; those past the record may be overwritten.
 * `timeMs` (a JS millisecond time, may be fractional) is stored at microsecond resolution as
 * both the record's and the scalar's timestamp. `num` and `step` must be safe integers and
 * `timeMs` finite (else RangeError).
 */
export function encodeScalarRecord(
  out: Uint8Array,
  num: number,
  keyField: Uint8Array,
  step: number,
  timeMs: number,
  value: number,
): number {
  return encodeScalarRecordAt(out, 0, num, keyField, step, timeMs, value);
}

/**
 * `encodeScalarRecord` writing at `out[at]` instead of offset 0; returns the length (not
 * the end). RunFileWriter uses it to encode straight into its frame buffer. `keyWords`, when
 * given, must be `keyFieldWords(keyField)`.
 */
export function encodeScalarRecordAt(
  out: Uint8Array,
  at: number,
  num: number,
  keyField: Uint8Array,
  step: number,
  timeMs: number,
  value: number,
  keyWords?: Int32Array,
): number {
  if (timeMs !== timestampTimeMs) {
    // Same arithmetic as timestamp.ts, inlined to keep the hot path free of calls.
    const us = Math.round(timeMs * 1000);
    // A NaN time or a fractional step would not throw below, it would write a record whose
    // lengths disagree with its bytes: refuse instead of corrupting the file.
    if (!(Math.abs(us) <= Number.MAX_SAFE_INTEGER)) throw badScalar(num, step, timeMs);
    const seconds = Math.floor(us / 1e6);
    setTimestamp(seconds, (us - seconds * 1e6) * 1000);
    timestampTimeMs = timeMs;
  }
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(step)) throw badScalar(num, step, timeMs);
  return writeScalarRecord(out, at, num, keyField, step, value, keyWords);
}

function badScalar(num: number, step: number, timeMs: number): RangeError {
  return new RangeError(`scalar record needs safe integer num and step and a finite time, got num ${num}, step ${step}, timeMs ${timeMs}`);
}

/** Make `timestampBody` the Timestamp {seconds, nanos}. */
function setTimestamp(seconds: number, nanos: number): void {
  let p = 0;
  if (seconds !== 0) {
    timestampBody[p++] = 0x08; // Timestamp field 1 seconds, varint
    p = writeVarint(timestampBody, p, seconds);
  }
  if (nanos !== 0) {
    timestampBody[p++] = 0x10; // Timestamp field 2 nanos, varint
    p = writeVarint(timestampBody, p, nanos);
  }
  timestampBodyLength = p;
  packWords(timestampBody, p, timestampWords);
}

/** The scalar record encoder proper, with both timestamps `timestampBody` (see setTimestamp). */
function writeScalarRecord(
  out: Uint8Array,
  at: number,
  num: number,
  keyField: Uint8Array,
  step: number,
  value: number,
  keyWords: Int32Array | undefined,
): number {
  if (out !== viewOf) {
    viewOf = out;
    view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  const tsLen = timestampBodyLength;
  // Omitted only for +0.0: NaN !== 0, and 1 / -0 is -Infinity.
  const hasNumber = value !== 0 || 1 / value < 0;
  const keyLen = keyField.length;
  const scalarLen = keyLen + (step !== 0 ? 1 + varintSize(step) : 0) + 6 + tsLen + (hasNumber ? 9 : 0);

  let p = at;
  if (num !== 0) {
    out[p++] = 0x08; // field 1 num, varint
    p = writeVarint(out, p, num);
  }
  out[p++] = 0x12; // field 2 timestamp, message
  out[p++] = tsLen; // at most 22: one length byte
  p = copyTimestamp(out, p, tsLen);
  out[p++] = 0x6a; // field 13 scalar, message
  p = writeVarint(out, p, scalarLen);
  if (keyWords !== undefined && p + 4 * keyWords.length <= out.length) {
    // Up to 3 bytes past the key are overwritten; the type and timestamp fields (at least 4
    // bytes) overwrite them again.
    for (let i = 0; i < keyWords.length; i++) view.setInt32(p + 4 * i, keyWords[i]!, true);
    p += keyLen;
  } else if (keyLen <= 16) {
    // TypedArray#set has a fixed cost (~16 ns for 12 bytes on the dev VM) that a byte loop
    // only exceeds past a dozen or two bytes.
    for (let i = 0; i < keyLen; i++) out[p++] = keyField[i]!;
  } else {
    out.set(keyField, p);
    p += keyLen;
  }
  if (step !== 0) {
    out[p++] = 0x10; // field 2 step, varint
    p = writeVarint(out, p, step);
  }
  out[p++] = 0x18; // field 3 type, varint
  out[p++] = ColumnType.SCALAR;
  out[p++] = 0x22; // field 4 timestamp, message
  out[p++] = tsLen;
  p = copyTimestamp(out, p, tsLen);
  out[p++] = 0x2a; // field 5 value, message (written even when empty)
  if (hasNumber) {
    out[p++] = 9;
    out[p++] = 0x09; // field 1 number, fixed64
    view.setFloat64(p, value, true);
    p += 8;
  } else {
    out[p++] = 0;
  }
  return p - at;
}

/**
 * Copy the Timestamp body to out[p…] and return the position after it. Whole words while
 * `out` has room for the padding: up to 3 bytes past the body are overwritten, and the fields
 * that follow overwrite them again, except one byte past the record's end when the value
 * field is the 2-byte one of +0.0 (room past the record, which encodeScalarRecord's callers
 * give up). bench/micro/ring-drain.ts: ~65-80 ns less a 4-metric record than a byte loop.
 */
function copyTimestamp(out: Uint8Array, p: number, len: number): number {
  if (p + timestampBody.length <= out.length) {
    const words = timestampWords;
    for (let i = 0; i < len; i += 4) view.setInt32(p + i, words[i >> 2]!, true);
    return p + len;
  }
  for (let i = 0; i < len; i++) out[p++] = timestampBody[i]!;
  return p;
}

/**
 * Encode any record to its payload bytes. Scalar records of the shape the worker writes
 * (both timestamps equal, type SCALAR, a value, nothing unknown) go through the hand encoder;
 * everything else through @bufbuild/protobuf's `toBinary`, which gives the same bytes.
 */
export function encodeRecord(record: Record): Uint8Array {
  const rt = record.recordType;
  if (rt.case === 'scalar' && fitsScalarFastPath(record, rt.value)) {
    const scalar = rt.value;
    const keyField = encodeKeyField(scalar.key);
    const out = new Uint8Array(scalarRecordMaxLength(keyField));
    const ts = record.timestamp!;
    setTimestamp(Number(ts.seconds), ts.nanos);
    // The body no longer holds a converted timeMs (and may differ from its Timestamp).
    timestampTimeMs = NaN;
    const n = writeScalarRecord(out, 0, Number(record.num), keyField, Number(scalar.step), scalar.value!.number, undefined);
    return out.subarray(0, n);
  }
  return toBinary(RecordSchema, record);
}

function fitsScalarFastPath(record: Record, scalar: ScalarRecord): boolean {
  const ts = record.timestamp;
  const sts = scalar.timestamp;
  return (
    ts !== undefined &&
    sts !== undefined &&
    ts.seconds === sts.seconds &&
    ts.nanos === sts.nanos &&
    isSafe(record.num) &&
    isSafe(scalar.step) &&
    isSafe(ts.seconds) &&
    scalar.type === ColumnType.SCALAR &&
    scalar.value !== undefined &&
    record.$unknown === undefined &&
    scalar.$unknown === undefined &&
    ts.$unknown === undefined &&
    sts.$unknown === undefined &&
    scalar.value.$unknown === undefined
  );
}

function isSafe(v: bigint): boolean {
  return v >= -9007199254740991n && v <= 9007199254740991n;
}

// Varints of int64 values held in JS numbers (safe integers, possibly negative; negatives
// take ten bytes, as int64 sign extension requires). Module-local on purpose: a call into
// another module costs ~15 ns more per varint under tsx/esbuild's CommonJS getters
// (measured with tsx on Node 20.20: 4 varints 63 ns imported vs 9 ns local).

const TWO_32 = 4294967296;

/** Bytes that `writeVarint` uses for `v` (an integer with |v| <= 2^53). */
function varintSize(v: number): number {
  if (v < 0) return 10;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 0x800000000) return 5;
  if (v < 0x40000000000) return 6;
  if (v < 0x2000000000000) return 7;
  return 8;
}

/** Write `v` (an integer with |v| <= 2^53) as a varint at `p`; return the next position. */
function writeVarint(out: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v < 0x80000000) {
    // Bit operations are exact below 2^31: the common case (nums, steps, nanos, lengths).
    while (v > 0x7f) {
      out[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[p++] = v;
    return p;
  }
  // `>>> 0` takes v modulo 2^32, which is the two's complement low word for negatives too.
  return writeVarint64(out, p, v >>> 0, Math.floor(v / TWO_32) >>> 0);
}

/** Write the 64-bit value hi:lo (two unsigned 32-bit words) as a varint. */
function writeVarint64(out: Uint8Array, p: number, lo: number, hi: number): number {
  // Four groups of 7 bits come from lo alone.
  for (let i = 0; i < 4; i++) {
    if (hi === 0 && lo >>> 7 === 0) {
      out[p++] = lo;
      return p;
    }
    out[p++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  // The fifth group straddles the words: 4 bits of lo, 3 of hi.
  const mixed = lo | ((hi & 0x07) << 4);
  hi >>>= 3;
  if (hi === 0) {
    out[p++] = mixed;
    return p;
  }
  out[p++] = mixed | 0x80;
  while (hi > 0x7f) {
    out[p++] = (hi & 0x7f) | 0x80;
    hi >>>= 7;
  }
  out[p++] = hi;
  return p;
}
