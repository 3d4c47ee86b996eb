// The hardware monitor (spec 4.4, decisions table): the scheduler alone with fake samplers
// (one throws, one hangs, one fails once), then the real monitor of a run at a 1 s interval,
// then NVIDIA GPUs where nvidia-smi finds one.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as swanlab from 'swanlab-node';
import { msFromTimestamp, type RunRecord } from '../src/format/index.js';
import { Monitor, type Reading, type Sampler, type SystemMetric, type SystemSink } from '../src/worker/monitor/monitor.js';
import { statFields } from './fixtures/proc-stat.cjs';
import { isSystemKey, records, tempDir, waitFor } from './helpers.js';

/** Length of the `__swanlab__.` prefix. */
const PREFIX = '__swanlab__.'.length;

const metric = (key: string): SystemMetric => ({ key, name: key, chart: `chart of ${key}`, color: 0 });

function listSink(): SystemSink & { events: string[]; times: Map<number, number[]> } {
  const events: string[] = [];
  const times = new Map<number, number[]>();
  return {
    events,
    times,
    column: (m, chartIndex, color) => {
      assert.match(chartIndex, /^[a-z0-9]{8}$/);
      assert.match(color, /^#[0-9a-f]{6}$/);
      events.push(`column:${m.key}`);
    },
    scalar: (key, step, timeMs) => {
      assert.ok(isSystemKey(key), key);
      events.push(`${key.slice(PREFIX)}@${step}`);
      times.set(step, [...(times.get(step) ?? []), timeMs]);
    },
    flush: () => {},
  };
}

describe('the monitor scheduler', () => {
  test('a sampler that throws or hangs leaves only its own keys out; the others go on at steps 0, 1, 2 …', async () => {
    const ok: Sampler = { name: 'ok', sample: async () => [{ metric: metric('a'), value: 1 }, { metric: metric('b'), value: 2 }] };
    let thrown = 0;
    const throws: Sampler = {
      name: 'throws',
      sample: async () => {
        thrown++;
        throw new Error('boom');
      },
    };
    const hangs: Sampler = { name: 'hangs', sample: () => new Promise<Reading[]>(() => {}) };
    let flakyCalls = 0;
    const flaky: Sampler = {
      name: 'flaky',
      sample: async () => {
        if (++flakyCalls === 2) throw new Error('once');
        return [{ metric: metric('c'), value: NaN }, { metric: metric('d'), value: 4 }];
      },
    };
    const sink = listSink();
    const monitor = new Monitor([throws, ok, hangs, flaky], sink, 100);
    monitor.start();
    await sleep(650);
    monitor.stop();
    const written = sink.events.length;
    await sleep(250);
    assert.equal(sink.events.length, written, 'nothing after stop()');

    const steps = sink.times.size;
    assert.ok(steps >= 4, `${steps} ticks in 650 ms at 100 ms (each waits 100 ms for the hung sampler)`);
    const expected = ['column:a', 'column:b', 'column:d', 'a@0', 'b@0', 'd@0', 'a@1', 'b@1'];
    for (let s = 2; s < steps; s++) expected.push(`a@${s}`, `b@${s}`, `d@${s}`);
    assert.deepEqual(sink.events, expected, 'columns before the first values; the flaky sampler missing from one tick only; NaN left out');
    for (const [step, ts] of sink.times) assert.equal(new Set(ts).size, 1, `one time for every key of tick ${step}`);
    assert.equal(thrown, 3, 'retired after three failures in a row');
  });
});

// Enum values of spec 1.3: ColumnClass.SYSTEM, SectionType.SYSTEM, ChartType.LINE.
const SYSTEM = 2;
const SECTION_SYSTEM = 4;
const LINE = 1;

interface Column {
  columnKey: string;
  columnClass: number;
  columnName: string;
  sectionType: number;
  chartName: string;
  chartType: number;
  chartIndex: string;
  metricName: string;
  yRange?: { min?: number; max?: number };
  metricColors?: { light: string; dark: string };
}

/** The system columns and samples of a run. */
function systemRecords(recs: RunRecord[]): { columns: Map<string, Column & { at: number }>; samples: Map<string, { step: number; value: number; time: number; at: number }[]> } {
  const columns = new Map<string, Column & { at: number }>();
  const samples = new Map<string, { step: number; value: number; time: number; at: number }[]>();
  recs.forEach((r, at) => {
    const v = r.recordType;
    if (v.case === 'column' && isSystemKey(v.value.columnKey)) columns.set(v.value.columnKey.slice(PREFIX), { ...(v.value as unknown as Column), at });
    if (v.case === 'scalar' && isSystemKey(v.value.key)) {
      const key = v.value.key.slice(PREFIX);
      samples.set(key, [...(samples.get(key) ?? []), { step: Number(v.value.step), value: v.value.value!.number, time: msFromTimestamp(v.value.timestamp!), at }]);
    }
  });
  return { columns, samples };
}

/** How long a run (of monitor-run.mjs or in process) may take to write what a test waits for: only a failing one takes it. */
const RUN_CAP_MS = 20_000;

/** The records of a run folder as far as written; none while its file is not there yet. */
function recordsSoFar(dir: string): RunRecord[] {
  try {
    return records(dir);
  } catch {
    return [];
  }
}

test('a run\'s monitor at a 1 s interval: SYSTEM columns first, then CPU and memory samples at steps 0, 1, 2 … a second apart; finish does not wait for it', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { monitorIntervalMs: 1000 } });
  swanlab.log({ loss: 1 });
  const keys = ['cpu.pct', 'mem.pct', 'mem.proc', 'mem.proc.pct', 'mem.proc.avail'];
  await waitFor(() => keys.every((key) => (systemRecords(recordsSoFar(run.dir)).samples.get(key)?.length ?? 0) >= 2), RUN_CAP_MS);
  const t0 = Date.now();
  await swanlab.finish();
  assert.ok(Date.now() - t0 < 1000, `finish() took ${Date.now() - t0} ms`);
  const { columns, samples } = systemRecords(records(run.dir));
  const charts: Record<string, [string, number | undefined, number | undefined]> = {
    'cpu.pct': ['CPU Utilization (%)', 0, 100],
    'mem.pct': ['System Memory Utilization (%)', 0, 100],
    'mem.proc': ['Process Memory In Use (non-swap) (MB)', 0, undefined],
    'mem.proc.pct': ['Process Memory Utilization (%)', 0, 100],
    'mem.proc.avail': ['Process Memory Available (non-swap) (MB)', 0, undefined],
    ...(process.platform === 'linux' ? { 'cpu.thds': ['Process CPU Threads', undefined, undefined] } : {}),
  };
  // GPU keys join these where nvidia-smi finds a GPU (the NVIDIA tests below check them).
  assert.deepEqual([...columns.keys()].filter((k) => !k.startsWith('gpu.')).sort(), Object.keys(charts).sort());
  for (const [key, [chart, min, max]] of Object.entries(charts)) {
    const c = columns.get(key)!;
    assert.deepEqual(
      [c.columnClass, c.sectionType, c.chartType, c.chartName, c.columnName, c.metricName, c.yRange?.min, c.yRange?.max],
      [SYSTEM, SECTION_SYSTEM, LINE, chart, chart, chart, min, max],
      key,
    );
    assert.equal(c.metricColors?.light, c.metricColors?.dark);
    const s = samples.get(key)!;
    assert.ok(s.length >= 2, `${key}: ${s.length} samples`);
    assert.deepEqual(s.map((x) => x.step), s.map((_, i) => i), `${key}: steps 0, 1, 2 …`);
    assert.ok(c.at < s[0]!.at, `${key}: the column comes before the first sample`);
    for (let i = 1; i < s.length; i++) {
      const gap = s[i]!.time - s[i - 1]!.time;
      assert.ok(gap > 400 && gap < 1600, `${key}: samples ${gap} ms apart`);
    }
  }
  for (const key of ['cpu.pct', 'mem.pct', 'mem.proc.pct']) {
    for (const { value } of samples.get(key)!) assert.ok(value >= 0 && value <= 100, `${key} = ${value}`);
  }
  assert.ok(samples.get('mem.proc')!.every((x) => x.value > 1), 'the process uses some MB');
  const cpuTimes = samples.get('cpu.pct')!.map((x) => x.time);
  assert.deepEqual(samples.get('mem.pct')!.map((x) => x.time), cpuTimes, 'one time for all keys of a tick');
});

test('NVIDIA parsing, against a stand-in nvidia-smi with two GPUs: gpu.{i}.* samples, [N/A] left out, charts shared, the metadata', { skip: process.platform === 'win32' ? 'the stand-in is a shell script' : undefined }, async () => {
  const { dir } = await fakeGpuRun(({ samples }) => samples.has('gpu.0.pct') && samples.has('gpu.1.temp') && samples.has('cpu.pct'));
  const { columns, samples } = systemRecords(records(dir));
  const values = (key: string) => samples.get(key)?.map((x) => x.value);
  assert.deepEqual(values('gpu.0.pct')?.[0], 37);
  assert.deepEqual(values('gpu.0.mem.pct')?.[0], (1024 / 81559) * 100);
  assert.deepEqual(values('gpu.0.mem.value')?.[0], 1024);
  assert.deepEqual(values('gpu.0.temp')?.[0], 45);
  assert.deepEqual(values('gpu.0.power')?.[0], 120.5);
  assert.deepEqual(values('gpu.0.mem.time')?.[0], 12);
  assert.deepEqual(values('gpu.1.temp')?.[0], 30);
  assert.equal(samples.get('gpu.1.pct'), undefined, '[N/A] is left out');
  assert.equal(samples.get('gpu.1.power'), undefined, '[Not Supported] is left out');
  assert.deepEqual(samples.get('gpu.0.pct')!.map((x) => x.step), samples.get('cpu.pct')!.map((x) => x.step), 'the monitor\'s one step counter');
  const g0 = columns.get('gpu.0.mem.value')!;
  const g1 = columns.get('gpu.1.mem.value')!;
  assert.deepEqual([g0.columnName, g0.chartName, g0.yRange?.min, g0.yRange?.max], ['GPU 0', 'GPU Memory Allocated (MB)', 0, 81559]);
  assert.deepEqual([g1.columnName, g1.chartName], ['GPU 1', 'GPU Memory Allocated (MB)']);
  assert.equal(g0.chartIndex, g1.chartIndex, 'one chart for both GPUs');
  assert.notEqual(g0.metricColors?.light, g1.metricColors?.light, 'a colour each');
  assert.notEqual(columns.get('gpu.0.pct')!.chartIndex, g0.chartIndex);
  assert.equal(columns.get('gpu.0.temp')!.yRange, undefined, 'temperature has no bounds');

  // The CUDA version is nvcc's (12.6) before the driver header's (12.4), as SwanLab takes it.
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'files', 'swanlab-metadata.json'), 'utf8'));
  const device = { name: 'NVIDIA H100 80GB HBM3', memory: 80, memory_unit: 'GB' };
  assert.deepEqual(meta.hardware.accelerators, [
    { vendor: 'nvidia', devices: [{ index: 0, ...device }, { index: 1, ...device }], version: '550.54.15', cuda_version: '12.6', cann_version: null },
  ]);
});

/** A running monitor-run.mjs: its folder, the stand-in's starts, its process, and how to end it. */
interface MonitorRun {
  dir: string;
  starts: () => string[];
  pid: number;
  /** What it printed after its folder. */
  lines: () => string[];
  /** Ends its stdin, so that it finishes the run; its exit code. */
  end: () => Promise<number | null>;
}

/**
 * Starts monitor-run.mjs (a 1 s monitor) with the stand-in nvidia-smi first on PATH and `env`
 * set; resolves once it printed its folder. Detached: it leads a process group of its own, as
 * a shell's foreground job does.
 */
async function startMonitorRun(env: Record<string, string> = {}, mode?: 'linger' | 'sigint'): Promise<MonitorRun> {
  const fake = fakeGpuEnv(env);
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'monitor-run.mjs'), tempDir(), ...(mode ? [mode] : [])], {
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: fake.env,
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(await waitFor(() => out.includes('\n'), RUN_CAP_MS), 'monitor-run.mjs printed its run folder');
  return {
    dir: out.slice(0, out.indexOf('\n')),
    starts: fake.starts,
    pid: child.pid!,
    lines: () => out.trim().split('\n').slice(1),
    end: () => {
      child.stdin.end();
      return closed;
    },
  };
}

/**
 * A run of monitor-run.mjs that goes on until `enough` holds for its system records and the
 * stand-in's starts ("<pid> <arguments>"), or RUN_CAP_MS passed: runs of a fixed length were
 * now and then too short on a loaded machine. Its folder, the starts, and with `linger` the
 * line that lists the fixture's unreaped children a second after finish().
 */
async function fakeGpuRun(enough: (system: ReturnType<typeof systemRecords>, starts: string[]) => boolean, env: Record<string, string> = {}, linger = false): Promise<{ dir: string; starts: string[]; zombies?: string }> {
  const run = await startMonitorRun(env, linger ? 'linger' : undefined);
  await waitFor(() => enough(systemRecords(recordsSoFar(run.dir)), run.starts()), RUN_CAP_MS);
  assert.equal(await run.end(), 0);
  const zombies = run.lines()[0];
  return { dir: run.dir, starts: run.starts(), ...(zombies !== undefined ? { zombies } : {}) };
}

/**
 * The environment of a run with the stand-in nvidia-smi first on PATH and `extra` set, and
 * the stand-in's starts so far ("<pid> <arguments>", from its FAKE_NVIDIA_LOG).
 */
function fakeGpuEnv(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; starts: () => string[] } {
  const fake = path.join(__dirname, 'fixtures', 'fake-nvidia');
  const log = path.join(tempDir(), 'nvidia-smi.log');
  return {
    env: { ...process.env, ...extra, FAKE_NVIDIA_LOG: log, PATH: `${fake}${path.delimiter}${process.env.PATH}` },
    starts: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : []),
  };
}

/** The steps of a run's gpu.0.pct and cpu.pct samples. */
function gpuAndCpuSteps({ samples }: ReturnType<typeof systemRecords>): { gpuSteps: number[]; cpuSteps: number[] } {
  return { gpuSteps: samples.get('gpu.0.pct')?.map((x) => x.step) ?? [], cpuSteps: samples.get('cpu.pct')?.map((x) => x.step) ?? [] };
}

/** True while process `pid` runs (a zombie that nobody reaped yet has ended). */
function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      return statFields(`/proc/${pid}/stat`)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Each child process forks the whole process (nvidia-stream.ts): the monitor starts one
// nvidia-smi in its loop mode for the run, not one per sample.
test('the GPU monitor starts nvidia-smi once, in its loop mode, samples its latest readings, and ends it at finish', { skip: process.platform === 'win32' ? 'the stand-in is a shell script' : undefined }, async () => {
  const linux = process.platform === 'linux';
  const { dir, starts, zombies } = await fakeGpuRun(({ samples }) => (samples.get('gpu.0.pct')?.length ?? 0) >= 3, {}, linux);
  // A process that goes on after finish() keeps no ended nvidia-smi unreaped.
  if (linux) assert.equal(zombies, 'zombies:');
  const loops = starts.filter((l) => / --loop-ms=500$/.test(l)); // twice a 1 s interval
  assert.equal(loops.length, 1, starts.join('\n'));
  assert.equal(starts.filter((l) => l.includes('utilization.gpu') && !l.includes('--loop-ms')).length, 0, 'no one-off reading');
  const pcts = systemRecords(records(dir)).samples.get('gpu.0.pct')!;
  assert.deepEqual(pcts.map((x) => x.step), pcts.map((_, i) => i));
  assert.ok(pcts.length >= 3, `${pcts.length} samples`);
  assert.equal(pcts[0]!.value, 37);
  const values = pcts.map((x) => x.value);
  // The loop reads every 500 ms: each sample has a reading newer than the last sample's (one
  // repeat allowed, for a machine too busy to keep the stand-in's pace).
  assert.ok(values.every((v, i) => i === 0 || v >= values[i - 1]!) && new Set(values).size >= values.length - 1, `readings follow the loop's: ${values.join(', ')}`);
  const pid = Number(loops[0]!.split(' ')[0]);
  for (let i = 0; i < 15 && alive(pid); i++) await sleep(20);
  assert.ok(!alive(pid), 'nvidia-smi ended with the run');
});

/** The loop-mode starts of the stand-in among `starts`. */
const loopStarts = (starts: string[]): string[] => starts.filter((l) => l.includes('--loop-ms'));

/**
 * A run whose stand-in nvidia-smi fails as `env` says, until a second one was started, the GPU
 * keys missed a sample, and `after` holds for the steps of both and the loop starts: checks
 * the first two; gives the steps.
 */
async function runWithFailingLoop(env: Record<string, string>, after: (gpuSteps: number[], cpuSteps: number[], loops: string[]) => boolean): Promise<{ gpuSteps: number[]; cpuSteps: number[]; steps: string }> {
  const { dir, starts } = await fakeGpuRun((system, starts) => {
    const { gpuSteps, cpuSteps } = gpuAndCpuSteps(system);
    return loopStarts(starts).length >= 2 && gpuSteps.length < cpuSteps.length && after(gpuSteps, cpuSteps, loopStarts(starts));
  }, env);
  assert.ok(loopStarts(starts).length >= 2, starts.join('\n'));
  const { gpuSteps, cpuSteps } = gpuAndCpuSteps(systemRecords(records(dir)));
  const steps = `GPU steps ${gpuSteps.join(', ')}, CPU steps ${cpuSteps.join(', ')}`;
  assert.ok(gpuSteps.length < cpuSteps.length, steps);
  return { gpuSteps, cpuSteps, steps };
}

test('when nvidia-smi\'s loop stops, the GPU keys miss a sample and a new one is started', { skip: process.platform === 'win32' ? 'the stand-in is a shell script' : undefined }, async () => {
  const { gpuSteps, steps } = await runWithFailingLoop({ FAKE_NVIDIA_STOP_AFTER: '2' }, (gpuSteps) => (gpuSteps.at(-1) ?? -1) >= 2);
  assert.ok((gpuSteps.at(-1) ?? -1) >= 2, `GPU readings again after the restart: ${steps}`);
});

test('when nvidia-smi\'s loop goes silent (a hung driver), it is ended and a new one is started', { skip: process.platform === 'win32' ? 'the stand-in is a shell script' : undefined }, async () => {
  // The hung stand-in ignores SIGTERM for 30 s: only the monitor's SIGKILL ends it while the run goes on.
  let hungEnded = false;
  const readingAfterMiss = (gpuSteps: number[], cpuSteps: number[]): boolean => {
    const missed = cpuSteps.find((step) => !gpuSteps.includes(step));
    return missed !== undefined && gpuSteps.some((step) => step > missed);
  };
  const { gpuSteps, cpuSteps, steps } = await runWithFailingLoop({ FAKE_NVIDIA_HANG_AFTER: '1' }, (gpuSteps, cpuSteps, loops) => {
    hungEnded ||= !alive(Number(loops[0]!.split(' ')[0]));
    return hungEnded && readingAfterMiss(gpuSteps, cpuSteps);
  });
  assert.ok(readingAfterMiss(gpuSteps, cpuSteps), `a reading again from the new one: ${steps}`);
  // Only the first stand-in hangs: the new one goes on reading, up to the run's last sample.
  assert.equal(gpuSteps.at(-1), cpuSteps.at(-1), `the new one still read at the last sample: ${steps}`);
  assert.ok(hungEnded, 'the hung nvidia-smi was ended while the run went on');
});

// A terminal's Ctrl+C signals its whole foreground process group. A program that catches it
// and goes on keeps its GPU readings: nvidia-smi runs in a group of its own (soft.ts).
test('Ctrl+C to a program that catches SIGINT and goes on leaves its nvidia-smi running', { skip: process.platform === 'win32' ? 'POSIX process groups' : undefined }, async () => {
  const run = await startMonitorRun({}, 'sigint');
  const loops = (): string[] => loopStarts(run.starts());
  assert.ok(await waitFor(() => loops().length > 0, RUN_CAP_MS), 'nvidia-smi started');
  process.kill(-run.pid, 'SIGINT');
  const signalledAt = Date.now();
  const samplesSince = (recs: RunRecord[]): number => systemRecords(recs).samples.get('cpu.pct')?.filter((x) => x.time > signalledAt).length ?? 0;
  await waitFor(() => samplesSince(recordsSoFar(run.dir)) >= 2, RUN_CAP_MS);
  assert.equal(await run.end(), 0);
  assert.deepEqual(run.lines(), ['sigint: 1']);
  assert.equal(loops().length, 1, `nvidia-smi started once: ${loops().join('; ')}`);
  const recs = records(run.dir);
  assert.ok(samplesSince(recs) >= 2, 'the monitor went on after the signal');
  const { gpuSteps, cpuSteps } = gpuAndCpuSteps(systemRecords(recs));
  assert.deepEqual(gpuSteps, cpuSteps, 'a GPU reading at every sample');
});

const smi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
const noGpu =
  smi.error !== undefined
    ? `no NVIDIA GPU here: nvidia-smi could not run (${(smi.error as NodeJS.ErrnoException).code ?? smi.error.message})`
    : smi.status !== 0 || !/^GPU 0:/m.test(smi.stdout)
      ? `no NVIDIA GPU here: nvidia-smi -L exited ${smi.status}: ${(smi.stdout + smi.stderr).trim().slice(0, 200)}`
      : undefined;

test('NVIDIA GPUs (where nvidia-smi finds one): gpu.0.* samples and charts, and the GPU in the metadata', { skip: noGpu }, async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { monitorIntervalMs: 1000 } });
  await sleep(1800);
  await swanlab.finish();
  const { columns, samples } = systemRecords(records(run.dir));
  const charts: Record<string, string> = {
    'gpu.0.pct': 'GPU Utilization (%)',
    'gpu.0.mem.pct': 'GPU Memory Allocated (%)',
    'gpu.0.mem.value': 'GPU Memory Allocated (MB)',
    'gpu.0.temp': 'GPU Temperature (°C)',
    'gpu.0.power': 'GPU Power Usage (W)',
  };
  for (const [key, chart] of Object.entries(charts)) {
    const c = columns.get(key);
    assert.ok(c, `a column for ${key}; columns: ${[...columns.keys()].join(', ')}`);
    assert.deepEqual([c.columnClass, c.chartName, c.columnName], [SYSTEM, chart, 'GPU 0'], key);
    const s = samples.get(key);
    assert.ok(s && s.length >= 1, `samples of ${key}`);
    assert.deepEqual(s.map((x) => x.step), s.map((_, i) => i));
    for (const { value } of s) assert.ok(Number.isFinite(value) && value >= 0, `${key} = ${value}`);
  }
  for (const key of ['gpu.0.pct', 'gpu.0.mem.pct']) for (const { value } of samples.get(key)!) assert.ok(value <= 100, `${key} = ${value}`);
  assert.ok(samples.get('gpu.0.temp')!.every((x) => x.value > 0 && x.value < 130), 'a temperature in °C');
  assert.equal(columns.get('gpu.0.pct')!.chartIndex, columns.get('gpu.0.pct')!.chartIndex);
  assert.ok(samples.has('cpu.pct'), 'the CPU charts are there too');

  const meta = JSON.parse(fs.readFileSync(path.join(run.dir, 'files', 'swanlab-metadata.json'), 'utf8'));
  const nvidia = meta.hardware.accelerators.find((a: { vendor: string }) => a.vendor === 'nvidia');
  assert.ok(nvidia, JSON.stringify(meta.hardware));
  const firstName = /^GPU 0: (.+?) \(UUID/m.exec(smi.stdout)?.[1];
  assert.equal(nvidia.devices[0].index, 0);
  assert.equal(nvidia.devices[0].name, firstName);
  assert.ok(Number.isInteger(nvidia.devices[0].memory) && nvidia.devices[0].memory > 0);
  assert.equal(nvidia.devices[0].memory_unit, 'GB');
  assert.match(nvidia.version, /^\d+\.\d+/, 'driver version');
  assert.ok(nvidia.cuda_version === null || /^\d+\.\d+/.test(nvidia.cuda_version));
});
