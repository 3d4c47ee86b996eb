/**
 * The `hardware` part of files/swanlab-metadata.json (spec 4.1): CPU, memory, accelerators,
 * Apple Silicon. Field names and units are SwanLab's (`memory` in whole GB, or MB under 1 GB).
 */
import os from 'node:os';
import { debug, isMissing, onPath, soft } from './soft.js';
import { cudaVersion, listNvidiaDevices } from './nvidia.js';
import { systeminformation } from './si.js';

/** `{total, total_unit}` of a byte count (SwanLab's `bytes_to_snapshot`). */
export interface MemorySize {
  total: number;
  total_unit: 'GB' | 'MB';
}

/** One device of an accelerator vendor. */
export interface DeviceInfo {
  index: number;
  name: string;
  memory: number | null;
  memory_unit: 'GB' | 'MB' | null;
}

/** The devices of one vendor. */
export interface AcceleratorInfo {
  vendor: string;
  devices: DeviceInfo[];
  /** Driver version. */
  version: string | null;
  cuda_version: string | null;
  cann_version: string | null;
}

/** The `hardware` object. */
export interface HardwareInfo {
  apple_silicon: { name: string | null; memory: number | null; memory_unit: 'GB' | 'MB' | null; cpu_count: number } | null;
  cpu: { brand: string | null; physical_count: number | null; logical_count: number } | null;
  memory: MemorySize | null;
  accelerators: AcceleratorInfo[];
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Whole GB, or whole MB under 1 GB; null for nothing. */
export function memorySize(bytes: number): MemorySize | null {
  if (bytes >= GiB) return { total: Math.floor(bytes / GiB), total_unit: 'GB' };
  if (bytes >= MiB) return { total: Math.floor(bytes / MiB), total_unit: 'MB' };
  return null;
}

/** Collect the hardware part; each probe bounded by `timeoutMs`. */
export async function collectHardware(timeoutMs: number): Promise<HardwareInfo> {
  const cpus = os.cpus();
  const brand = cpus[0]?.model.trim() || null;
  const logical = cpus.length || os.availableParallelism();
  const memory = memorySize(os.totalmem());
  const [physical, accelerators] = await Promise.all([
    soft('physical CPU cores', timeoutMs, async () => (await systeminformation().cpu()).physicalCores || null),
    collectAccelerators(timeoutMs),
  ]);
  if (process.platform === 'darwin' && process.arch === 'arm64') {
    // Apple Silicon: one SoC, so it replaces the cpu and memory parts (spec 4.1).
    return {
      apple_silicon: { name: brand, memory: memory?.total ?? null, memory_unit: memory?.total_unit ?? null, cpu_count: logical },
      cpu: null,
      memory: null,
      accelerators,
    };
  }
  return { apple_silicon: null, cpu: { brand, physical_count: physical, logical_count: logical }, memory, accelerators };
}

async function collectAccelerators(timeoutMs: number): Promise<AcceleratorInfo[]> {
  let smiMissing = false;
  try {
    const devices = await listNvidiaDevices(timeoutMs);
    if (devices.length > 0) {
      return [
        {
          vendor: 'nvidia',
          devices: devices.map((d) => ({ index: d.index, name: d.name, memory: Number.isFinite(d.memoryMiB) ? Math.round(d.memoryMiB / 1024) : null, memory_unit: 'GB' })),
          version: devices[0]!.driverVersion || null,
          cuda_version: await cudaVersion(timeoutMs),
          cann_version: null,
        },
      ];
    }
  } catch (err) {
    smiMissing = isMissing(err);
    debug('nvidia-smi: %s', err instanceof Error ? err.message : String(err));
  }
  // systeminformation's graphics() runs nvidia-smi synchronously with no timeout (Linux,
  // Windows): asked only where nvidia-smi is known to be absent. Windows is left out because
  // it finds nvidia-smi.exe off the PATH too; Apple Silicon because its GPU is the SoC above;
  // Linux without lspci because graphics() finds its controllers through lspci.
  const other = smiMissing && (process.platform === 'linux' ? await onPath('lspci') : process.platform === 'darwin' && process.arch === 'x64');
  if (!other) return [];
  const graphics = await soft('graphics controllers', timeoutMs, () => systeminformation().graphics());
  return groupByVendor(graphics?.controllers ?? []);
}

interface Controller {
  vendor: string;
  model: string;
  name?: string;
  vram: number | null;
  driverVersion?: string;
}

/** systeminformation's controllers as accelerators, one entry per vendor. */
export function groupByVendor(controllers: readonly Controller[]): AcceleratorInfo[] {
  const byVendor = new Map<string, AcceleratorInfo>();
  for (const c of controllers) {
    if (!c.vendor && !c.model) continue;
    const vendor = vendorSlug(c.vendor || c.model);
    let entry = byVendor.get(vendor);
    if (!entry) byVendor.set(vendor, (entry = { vendor, devices: [], version: c.driverVersion || null, cuda_version: null, cann_version: null }));
    const vram = typeof c.vram === 'number' && c.vram > 0 ? c.vram : null; // MB
    entry.devices.push({
      index: entry.devices.length,
      name: c.name || c.model,
      memory: vram === null ? null : vram >= 1024 ? Math.round(vram / 1024) : vram,
      memory_unit: vram === null ? null : vram >= 1024 ? 'GB' : 'MB',
    });
  }
  return [...byVendor.values()];
}

function vendorSlug(vendor: string): string {
  if (/nvidia/i.test(vendor)) return 'nvidia';
  if (/\bamd\b|\bati\b|advanced micro/i.test(vendor)) return 'amd';
  if (/intel/i.test(vendor)) return 'intel';
  if (/apple/i.test(vendor)) return 'apple';
  return vendor.trim().toLowerCase();
}
