/**
 * The `runtime` part of files/swanlab-metadata.json (spec 4.1, decisions table): SwanLab's
 * shared fields (os, os_pretty, hostname, pid, cwd, command) with Node's in place of Python's
 * (node_version, node_verbose, node_executable). The command line is stored with the values of
 * secret-looking arguments masked as `****`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { soft } from './soft.js';
import { systeminformation } from './si.js';

/** The `runtime` object. */
export interface RuntimeInfo {
  os: string;
  os_pretty: string | null;
  hostname: string;
  pid: number;
  cwd: string;
  node_version: string;
  node_verbose: string;
  node_executable: string;
  command: string;
}

/** What is masked. */
const MASK = '****';
/** Flags whose value is a secret: `--api-key`, `--token`, `--password`, `--hf-token`, `--secret_key` … (not a bare `--key`). */
const SECRET_FLAG = /^--?(?:[\w.-]*[-_.])?(?:api[-_]?key|token|password|passwd|secret)$|^--?\w[\w.-]*[-_.]key$/i;
/** `NAME=value` assignments whose value is a secret: `OPENAI_API_KEY=…`, `GH_TOKEN=…`, `DB_PASSWORD=…`. */
const SECRET_ASSIGNMENT = /^[A-Za-z_][\w.-]*(?:_KEY|_TOKEN|_PASSWORD|_PASSWD|_SECRET)$/i;

/** The arguments with the values of secret-looking ones replaced by `****`. */
export function maskCommand(args: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of args) {
    if (maskNext) {
      maskNext = false;
      // `--token --verbose`: the flag had no value, so the next flag is not a secret.
      if (!arg.startsWith('--')) {
        out.push(MASK);
        continue;
      }
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (arg.startsWith('-') ? SECRET_FLAG.test(name) : eq > 0 && SECRET_ASSIGNMENT.test(name)) {
      if (eq < 0) maskNext = true;
      out.push(eq < 0 ? arg : `${name}=${MASK}`);
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Collect the runtime part. `command` is the unmasked command line from the main thread. */
export async function collectRuntime(command: readonly string[], cwd: string, timeoutMs: number): Promise<RuntimeInfo> {
  return {
    os: `${os.type()}-${os.release()}-${os.machine()}`,
    os_pretty: await soft('OS name', timeoutMs, prettyOsName),
    hostname: os.hostname(),
    pid: process.pid,
    cwd,
    node_version: process.versions.node,
    node_verbose: `${process.version} (V8 ${process.versions.v8}, ${process.platform} ${process.arch})`,
    node_executable: process.execPath,
    command: maskCommand(command).join(' '),
  };
}

/** freedesktop PRETTY_NAME on Linux, "macOS 14.5" on macOS, the product name on Windows. */
async function prettyOsName(): Promise<string | null> {
  if (process.platform === 'linux') {
    for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      const m = /^PRETTY_NAME=(["']?)(.*)\1\s*$/m.exec(text);
      if (m) return m[2]!;
    }
    return null;
  }
  if (process.platform === 'darwin') {
    const info = await systeminformation().osInfo();
    return `${info.distro} ${info.release}`.trim() || null;
  }
  return os.version() || null;
}
