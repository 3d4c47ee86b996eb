/**
 * Micro-bench: the worker's per-scalar cost, hand encoder vs @bufbuild/protobuf.
 *
 *   node --import tsx bench/micro/scalar-encode.ts [records]
 *
 * Every variant encodes one ScalarRecord (key "train/loss", growing step, a fractional
 * millisecond time, a varying double) and frames it with RunFileWriter.append; the writer
 * flushes to a temp file (tmpfs when there is one) every 65 536 records, as the worker
 * would. Prints the median and the minimum of 7 interleaved rounds, in ns per record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { ColumnType, RunFileWriter, RunRecordSchema, encodeKeyField, encodeScalarRecord, scalarRecordMaxLength } from '../../src/format/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 7;
const KEY = 'train/loss';
const T0 = 1795651200123.456;

type Variant = (w: RunFileWriter, n: number) => void;

const keyField = encodeKeyField(KEY);
const scratch = new Uint8Array(scalarRecordMaxLength(keyField));
const VALUES = Float64Array.from({ length: 1024 }, (_, i) => Math.sin(i));

const variants: Record<string, Variant> = {
  // What the worker does: encode straight into the writer's frame buffer.
  'writer.appendScalar': (w, n) => {
    for (let i = 0; i < n; i++) {
      w.appendScalar(i + 1, keyField, i, T0 + i * 0.01, VALUES[i & 1023]!);
      if ((i & 0xffff) === 0xffff) w.flush();
    }
  },
  // Encode into a reused buffer, frame its first n bytes.
  'hand encoder + append(scratch, len)': (w, n) => {
    for (let i = 0; i < n; i++) {
      const len = encodeScalarRecord(scratch, i + 1, keyField, i, T0 + i * 0.01, VALUES[i & 1023]!);
      w.append(scratch, len);
      if ((i & 0xffff) === 0xffff) w.flush();
    }
  },
  // The same, paying for a subarray view per record.
  'hand encoder + append(subarray)': (w, n) => {
    for (let i = 0; i < n; i++) {
      const len = encodeScalarRecord(scratch, i + 1, keyField, i, T0 + i * 0.01, VALUES[i & 1023]!);
      w.append(scratch.subarray(0, len));
      if ((i & 0xffff) === 0xffff) w.flush();
    }
  },
  'hand encoder only (no framing)': (_w, n) => {
    for (let i = 0; i < n; i++) encodeScalarRecord(scratch, i + 1, keyField, i, T0 + i * 0.01, VALUES[i & 1023]!);
  },
  // The generic route: build the message, toBinary, frame.
  'bufbuild create + toBinary + append': (w, n) => {
    for (let i = 0; i < n; i++) {
      const t = T0 + i * 0.01;
      const us = Math.round(t * 1000);
      const seconds = BigInt(Math.floor(us / 1e6));
      const nanos = (us % 1e6) * 1000;
      const record = create(RunRecordSchema, {
        num: BigInt(i + 1),
        timestamp: create(TimestampSchema, { seconds, nanos }),
        recordType: {
          case: 'scalar',
          value: {
            key: KEY,
            step: BigInt(i),
            type: ColumnType.SCALAR,
            timestamp: create(TimestampSchema, { seconds, nanos }),
            value: { number: VALUES[i & 1023]! },
          },
        },
      });
      w.append(toBinary(RunRecordSchema, record));
      if ((i & 0xffff) === 0xffff) w.flush();
    }
  },
};

// tmpfs when there is one, so that the figures are CPU cost, not this disk's write speed.
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'swanlab-bench-'));
try {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${N} records x ${ROUNDS} rounds`);
  let file = 0;
  const samples = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
  // Rounds interleave the variants, so that a noisy moment on a shared machine hits all of them.
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const w = RunFileWriter.create(path.join(dir, `run-${file++}.swanlab`));
      const t = process.hrtime.bigint();
      run(w, N);
      w.flush();
      samples.get(name)!.push(Number(process.hrtime.bigint() - t) / N);
      w.close();
      fs.rmSync(path.join(dir, `run-${file - 1}.swanlab`));
    }
  }
  console.log(`${'variant'.padEnd(40)} ${'median'.padStart(8)} ${'min'.padStart(8)}  ns/record`);
  for (const [name, s] of samples) {
    s.sort((a, b) => a - b);
    console.log(`${name.padEnd(40)} ${s[ROUNDS >> 1]!.toFixed(1).padStart(8)} ${s[0]!.toFixed(1).padStart(8)}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
