/**
 * Micro-bench: what logging media costs the user's thread, against copying the same bytes
 * once; and whether images in a training loop slow its scalar calls.
 *
 *   npm run build && node --import tsx bench/micro/media-log.ts [rounds]
 *
 * Rows, interleaved round by round in rotating order (median and p90 over rounds):
 *   - `log({ img: new Image(rgba, { width: 512, height: 512 }) })`: 1 MiB of pixels, copied
 *     into the ring (the frame fits in ring.maxFrameBytes);
 *   - the same for 2048×1024 RGBA (8 MiB): larger than the ring can carry, so copied into a
 *     fresh ArrayBuffer that is transferred to the worker;
 *   - `dst.set(rgba)` into a buffer allocated once (one memcpy) and `rgba.slice()` (allocate +
 *     copy), for both sizes;
 *   - ns per `log({ loss, acc })` over 6 batches of 99 calls, alone, and with one 512×512
 *     image logged (untimed) after each batch: "an image every 100 steps".
 * After each round the bench waits, untimed, until the worker has emptied the ring, so no
 * timed call waits for space. Encoding happens in the worker's pool meanwhile; finish() waits
 * for it at the end (its time is printed, not part of any row).
 */
import * as swanlab from 'swanlab-node';

const ROUNDS = Number(process.argv[2] ?? 60);
const WARMUP = 8;
const SCALAR_BATCH = 99;
/** Scalar batches per sample: 6 images of 1 MiB stay within the default 8 MiB ring. */
const BATCHES = 6;
const INTERNALS = Symbol.for('swanlab-node.internals');

type Row = { name: string; samples: number[]; unit: 'µs' | 'ns' };

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function rgba(width: number, height: number): Uint8Array {
  const a = new Uint8Array(width * height * 4);
  for (let i = 0; i < a.length; i++) a[i] = (i * 2654435761) >>> 24;
  return a;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const os = await import('node:os');
  const fs = await import('node:fs');
  const logdir = fs.mkdtempSync(`${os.tmpdir()}/swanlab-bench-media-`);
  const run = swanlab.init({ logdir, mode: 'offline', project: 'bench-media' });
  const ring = (run as unknown as Record<symbol, { ring: { usedBytes(): number } }>)[INTERNALS].ring;
  const drained = (): void => {
    while (ring.usedBytes() > 0) sleepMs(1);
  };
  const small = rgba(512, 512);
  const large = rgba(2048, 1024);
  const smallDst = new Uint8Array(small.length);
  const largeDst = new Uint8Array(large.length);
  const rec = { loss: 0.5, acc: 0.5 };

  const timeUs = (fn: () => void): number => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  /** Mean ns per scalar call over BATCHES batches, with `between` (untimed) after each. */
  const scalarNs = (between?: () => void): number => {
    let ns = 0;
    for (let b = 0; b < BATCHES; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < SCALAR_BATCH; i++) {
        rec.loss = i;
        run.log(rec);
      }
      ns += Number(process.hrtime.bigint() - t0);
      between?.();
    }
    return ns / (BATCHES * SCALAR_BATCH);
  };
  const rows: Row[] = [
    { name: 'log({ img: new Image(512×512 RGBA) }), 1 MiB, through the ring', unit: 'µs', samples: [] },
    { name: 'one memcpy of the 1 MiB (dst.set)', unit: 'µs', samples: [] },
    { name: 'allocate + copy the 1 MiB (slice)', unit: 'µs', samples: [] },
    { name: 'log({ img: new Image(2048×1024 RGBA) }), 8 MiB, transferred', unit: 'µs', samples: [] },
    { name: 'one memcpy of the 8 MiB (dst.set)', unit: 'µs', samples: [] },
    { name: 'allocate + copy the 8 MiB (slice)', unit: 'µs', samples: [] },
    { name: 'log({ loss, acc }), scalars only', unit: 'ns', samples: [] },
    { name: 'log({ loss, acc }), an image logged every 100 calls', unit: 'ns', samples: [] },
  ];
  const ops: (() => number)[] = [
    () => timeUs(() => run.log({ img: new swanlab.Image(small, { width: 512, height: 512 }) })),
    () => timeUs(() => smallDst.set(small)),
    () => timeUs(() => small.slice()),
    () => timeUs(() => run.log({ big: new swanlab.Image(large, { width: 2048, height: 1024 }) })),
    () => timeUs(() => largeDst.set(large)),
    () => timeUs(() => large.slice()),
    () => scalarNs(),
    () => scalarNs(() => run.log({ every100: new swanlab.Image(small, { width: 512, height: 512 }) })),
  ];
  for (let r = -WARMUP; r < ROUNDS; r++) {
    for (let k = 0; k < ops.length; k++) {
      const i = (k + Math.max(r, 0)) % ops.length;
      const x = ops[i]!();
      if (r >= 0) rows[i]!.samples.push(x);
      drained();
    }
  }
  const t0 = Date.now();
  await swanlab.finish();
  const finishS = (Date.now() - t0) / 1000;
  const images = fs.readdirSync(`${run.dir}/media/image`).length;

  const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  console.log(`Node ${process.version}, ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores; ${ROUNDS} rounds after ${WARMUP} warm-up\n`);
  console.log('| main thread | median | p90 |');
  console.log('|---|---:|---:|');
  for (const row of rows) console.log(`| ${row.name} | ${fmt(quantile(row.samples, 0.5))} ${row.unit} | ${fmt(quantile(row.samples, 0.9))} ${row.unit} |`);
  console.log(`\nfinish() then waited ${finishS.toFixed(1)} s for the pool to encode; ${images} image files written.`);
  fs.rmSync(logdir, { recursive: true, force: true });
}

void main();
