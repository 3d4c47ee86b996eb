/**
 * Micro-bench: how log()'s fast path reads the values of a known-keys record.
 *
 *   node --import tsx bench/micro/forin-double-boxing.ts [calls]
 *
 * `for (const k in obj) v = obj[k]` (src/main/log-encoder.ts) is a keyed load of a field
 * V8 stores as a double: the load boxes it in a fresh HeapNumber, 16 bytes per value, so a
 * two-metric log() allocates 32 bytes and the main thread scavenges every ~130 000 calls
 * (bench/index.ts "Heap allocated per call" and the p99 column). A reader generated once per
 * key list (`new Function`, named loads `o["loss"]`, as fast-json-stringify does) lets
 * TurboFan load the raw float64 instead. Each variant writes (id, value) pairs into a
 * Float64Array, for a reused record and for a fresh object literal per call.
 * Prints ns/call and heap bytes/call (v8.GCProfiler: used-heap growth + what GCs freed).
 */
import v8 from 'node:v8';

const CALLS = Number(process.argv[2] ?? 2_000_000);
const BATCH = 1000;
const out = new Float64Array(1 << 12);
const ids = new Map<string, number>([
  ['loss', 0],
  ['acc', 1],
]);

/** A: what log-encoder.ts does today. */
function forInKeyed(obj: Record<string, unknown>, pos: number): number {
  let w = pos;
  for (const k in obj) {
    const id = ids.get(k);
    const v = obj[k];
    if (id === undefined || typeof v !== 'number') return -1;
    out[w] = id;
    out[w + 1] = v;
    w += 2;
  }
  return w;
}

/** B: for-in only to check the key list, then a reader generated for that list. */
type Reader = (o: Record<string, unknown>, f: Float64Array, p: number) => number;
let readerKeys: string[] = [];
let reader: Reader | undefined;
function generated(obj: Record<string, unknown>, pos: number): number {
  let n = 0;
  for (const k in obj) {
    if (readerKeys[n] !== k) {
      reader = undefined;
      break;
    }
    n++;
  }
  if (reader === undefined || n !== readerKeys.length) {
    readerKeys = Object.keys(obj);
    const body = readerKeys
      .map((k, i) => `v = o[${JSON.stringify(k)}]; if (typeof v !== 'number') return -1; f[p + ${2 * i}] = ${ids.get(k)}; f[p + ${2 * i + 1}] = v;`)
      .join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    reader = new Function('o', 'f', 'p', `let v;\n${body}\nreturn p + ${2 * readerKeys.length};`) as Reader;
  }
  return reader(obj, out, pos);
}

/** C: hand-written named loads (the bench's floor). */
function named(obj: { loss: number; acc: number }, pos: number): number {
  out[pos] = 0;
  out[pos + 1] = obj.loss;
  out[pos + 2] = 1;
  out[pos + 3] = obj.acc;
  return pos + 4;
}

const rec = { loss: 0.5, acc: 0.5 };
type Batch = (n: number, x: number) => number;
const variants: [string, Batch][] = [
  ['A for-in + obj[k] (log-encoder.ts), reused record', (n, x) => {
    let p = 0;
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      p = forInKeyed(rec, p & 0xff0);
    }
    return p;
  }],
  ['B generated reader, reused record', (n, x) => {
    let p = 0;
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      p = generated(rec, p & 0xff0);
    }
    return p;
  }],
  ['C named loads (floor), reused record', (n, x) => {
    let p = 0;
    for (let i = 0; i < n; i++) {
      rec.loss = x + i * 1e-9;
      rec.acc = 1 - rec.loss;
      p = named(rec, p & 0xff0);
    }
    return p;
  }],
  ['A for-in + obj[k], fresh literal per call', (n, x) => {
    let p = 0;
    for (let i = 0; i < n; i++) {
      const loss = x + i * 1e-9;
      p = forInKeyed({ loss, acc: 1 - loss }, p & 0xff0);
    }
    return p;
  }],
  ['B generated reader, fresh literal per call', (n, x) => {
    let p = 0;
    for (let i = 0; i < n; i++) {
      const loss = x + i * 1e-9;
      p = generated({ loss, acc: 1 - loss }, p & 0xff0);
    }
    return p;
  }],
];

interface GcStat {
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

console.log(`node ${process.version}, ${CALLS} calls per variant, ns/call and heap bytes/call`);
let sink = 0;
for (const [name, batch] of variants) {
  for (let i = 0; i < 300; i++) sink += batch(BATCH, i);
  const profiler = new v8.GCProfiler();
  const before = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS / BATCH; i++) sink += batch(BATCH, i);
  const ns = Number(process.hrtime.bigint() - t0) / CALLS;
  const after = v8.getHeapStatistics().used_heap_size;
  const stats = (profiler.stop()?.statistics ?? []) as GcStat[];
  let freed = 0;
  for (const s of stats) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  const bytes = Math.max(0, after - before + freed) / CALLS;
  console.log(`${name.padEnd(52)} ${ns.toFixed(1).padStart(6)} ns ${bytes.toFixed(2).padStart(7)} B ${String(stats.length).padStart(4)} GCs`);
}
if (sink === 0) console.log('(sink)');
