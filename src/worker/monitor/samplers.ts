/**
 * The monitor's samplers (spec 4.4 keys, chart names and y ranges, as SwanLab 0.9 defines them):
 * CPU load from the kernel's counters, memory through systeminformation, the process's threads
 * from /proc (Linux), and NVIDIA GPUs through nvidia-smi. Each is separate so that one failing
 * leaves the others.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { NvidiaStream } from '../probe/nvidia-stream.js';
import { systeminformation } from '../probe/si.js';
import type { Reading, Sampler, SystemMetric } from './monitor.js';

const MiB = 1024 ** 2;

function metric(key: string, chart: string, yMin?: number, yMax?: number, name = chart, color = 0): SystemMetric {
  return { key, name, chart, color, ...(yMin !== undefined ? { yMin } : {}), ...(yMax !== undefined ? { yMax } : {}) };
}

const CPU_PCT = metric('cpu.pct', 'CPU Utilization (%)', 0, 100);
const CPU_THREADS = metric('cpu.thds', 'Process CPU Threads');
const MEM_PCT = metric('mem.pct', 'System Memory Utilization (%)', 0, 100);
const MEM_PROC = metric('mem.proc', 'Process Memory In Use (non-swap) (MB)', 0);
const MEM_PROC_PCT = metric('mem.proc.pct', 'Process Memory Utilization (%)', 0, 100);
const MEM_PROC_AVAIL = metric('mem.proc.avail', 'Process Memory Available (non-swap) (MB)', 0);

/** Busy and total CPU time of all cores so far, ms. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times: t } of os.cpus()) {
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * System CPU load, % of all cores since the last sample; the first is measured over 0.5 s.
 * The same counters systeminformation's currentLoad() reads, without the synchronous
 * `cat /proc/stat` shell it runs on each call (14 ms of the worker's drain loop, measured here).
 */
export function cpuSampler(): Sampler {
  let last: { busy: number; total: number } | undefined;
  return {
    name: 'cpu',
    async sample(): Promise<Reading[]> {
      if (last === undefined) {
        last = cpuTimes();
        await sleep(500);
      }
      const now = cpuTimes();
      const total = now.total - last.total;
      const value = total > 0 ? ((now.busy - last.busy) / total) * 100 : NaN;
      last = now;
      return [{ metric: CPU_PCT, value }];
    },
  };
}

/** Threads of this process (Linux: /proc/self/status). */
export const threadsSampler: Sampler = {
  name: 'threads',
  async sample(): Promise<Reading[]> {
    const m = /^Threads:\s*(\d+)/m.exec(await fs.readFile('/proc/self/status', 'utf8'));
    if (!m) throw new Error('no Threads line in /proc/self/status');
    return [{ metric: CPU_THREADS, value: Number(m[1]) }];
  },
};

/** System memory in use, and this process's resident memory (the worker shares the process). */
export const memorySampler: Sampler = {
  name: 'memory',
  async sample(): Promise<Reading[]> {
    const m = await systeminformation().mem();
    const rss = process.memoryUsage.rss();
    return [
      { metric: MEM_PCT, value: ((m.total - m.available) / m.total) * 100 },
      { metric: MEM_PROC, value: rss / MiB },
      { metric: MEM_PROC_PCT, value: (rss / m.total) * 100 },
      { metric: MEM_PROC_AVAIL, value: m.available / MiB },
    ];
  },
};

/**
 * Per NVIDIA GPU i: `gpu.{i}.pct`, `.mem.pct`, `.mem.value`, `.temp`, `.power`, `.mem.time`,
 * from one nvidia-smi that reads the GPUs twice an interval for the whole run
 * (nvidia-stream.ts): each sample has its latest reading, at most half an interval old. (Once
 * an interval, its loop, which waits the period after each reading, falls behind the
 * monitor's ticks and each sample had the reading of the tick before.)
 */
export function nvidiaSampler(intervalMs: number): Sampler {
  const metrics = new Map<number, SystemMetric[]>();
  const stream = new NvidiaStream(intervalMs / 2);
  return {
    name: 'nvidia',
    stop: () => stream.stop(),
    async sample(timeoutMs: number): Promise<Reading[]> {
      const gpus = await stream.read(timeoutMs);
      // The memory chart's top is the largest GPU's memory, as SwanLab sets it.
      const maxMiB = Math.max(0, ...gpus.map((g) => g.memoryTotalMiB).filter(Number.isFinite));
      const out: Reading[] = [];
      gpus.forEach((g, order) => {
        const i = g.index;
        let m = metrics.get(i);
        if (m === undefined) {
          const name = `GPU ${i}`;
          metrics.set(
            i,
            (m = [
              metric(`gpu.${i}.pct`, 'GPU Utilization (%)', 0, 100, name, order),
              metric(`gpu.${i}.mem.pct`, 'GPU Memory Allocated (%)', 0, 100, name, order),
              metric(`gpu.${i}.mem.value`, 'GPU Memory Allocated (MB)', 0, maxMiB > 0 ? maxMiB : undefined, name, order),
              metric(`gpu.${i}.temp`, 'GPU Temperature (°C)', undefined, undefined, name, order),
              metric(`gpu.${i}.power`, 'GPU Power Usage (W)', 0, undefined, name, order),
              metric(`gpu.${i}.mem.time`, 'GPU Time Spent Accessing Memory (%)', 0, 100, name, order),
            ]),
          );
        }
        const values = [g.utilization, (g.memoryUsedMiB / g.memoryTotalMiB) * 100, g.memoryUsedMiB, g.temperature, g.power, g.memoryUtilization];
        for (let k = 0; k < m.length; k++) out.push({ metric: m[k]!, value: values[k]! });
      });
      return out;
    },
  };
}

/** The samplers for this platform, for a monitor that samples every `intervalMs`. */
export function systemSamplers(intervalMs: number): Sampler[] {
  const samplers = [cpuSampler(), memorySampler, nvidiaSampler(intervalMs)];
  if (process.platform === 'linux') samplers.splice(1, 0, threadsSampler);
  return samplers;
}
