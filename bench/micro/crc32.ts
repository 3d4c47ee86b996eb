/**
 * Micro-bench: the chunk CRC, `zlib.crc32` vs the JS slicing-by-8 loop of src/format/crc32.ts,
 * by payload size. Justifies crc32.ts's JS_CRC_MAX threshold (JS below it, zlib above).
 *
 *   node --import tsx bench/micro/crc32.ts
 *
 * The zlib column includes the subarray view the framer would need to hand it a payload
 * that sits inside a larger buffer; the JS loop reads in place.
 */
import os from 'node:os';
import zlib from 'node:zlib';
import { jsCrc32 } from '../../src/format/crc32.js';

const ROUNDS = 7;
const seed = zlib.crc32(Uint8Array.of(1));
const buf = new Uint8Array(8192).map((_, i) => (i * 31 + 7) & 0xff);
const view = new DataView(buf.buffer);

function median(f: () => number, n: number): number {
  const samples: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink ^= f();
    samples.push(Number(process.hrtime.bigint() - t) / n);
  }
  if (sink === 0.5) console.log(sink);
  return samples.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'}; median ns per CRC of ${ROUNDS} rounds`);
console.log(`${'bytes'.padStart(6)} ${'zlib.crc32'.padStart(11)} ${'JS loop'.padStart(9)}`);
for (const len of [16, 60, 128, 200, 256, 512, 4096]) {
  if (jsCrc32(buf, view, 0, len, seed) !== zlib.crc32(buf.subarray(0, len), seed)) throw new Error(`crc mismatch at ${len}`);
  const n = Math.floor(20_000_000 / (len + 50));
  const z = median(() => zlib.crc32(buf.subarray(0, len), seed), n);
  const j = median(() => jsCrc32(buf, view, 0, len, seed), n);
  console.log(`${String(len).padStart(6)} ${z.toFixed(1).padStart(11)} ${j.toFixed(1).padStart(9)}`);
}
