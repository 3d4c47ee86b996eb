/**
 * The saved login (spec 5.1): `.netrc` in `~/.swanlab/` (or `$SWANLAB_ROOT`, `$SWANLAB_SAVE_DIR`),
 * in the form SwanLab's Python SDK writes and reads (Python's `netrc` repr), mode 0600:
 *
 * ```
 * machine https://api.swanlab.cn
 * 	login https://swanlab.cn
 * 	password <api key>
 * ```
 *
 * A project-local `<cwd>/.swanlab/.netrc` is read first, as SwanLab does. Only one host is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envValue } from './env.js';

/** A saved login. */
export interface SavedLogin {
  /** `machine`: the API host. */
  apiHost: string;
  /** `login`: the web host. */
  webHost: string;
  /** `password`: the API key. */
  apiKey: string;
  /** The file it came from. */
  file: string;
}

/** SwanLab's user folder: `$SWANLAB_ROOT`, `$SWANLAB_SAVE_DIR`, else `~/.swanlab`. */
export function swanlabRoot(): string {
  return path.resolve(envValue('SWANLAB_ROOT', 'SWANLAB_SAVE_DIR') ?? path.join(os.homedir(), '.swanlab'));
}

/** Where `swanlab-node login` saves the key. */
export function netrcPath(): string {
  return path.join(swanlabRoot(), '.netrc');
}

/** Parse netrc text: the first `machine` entry with a password, or undefined. */
export function parseNetrc(text: string, file: string): SavedLogin | undefined {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  let machine: string | undefined;
  let login = '';
  let password: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t === 'machine' && next !== undefined) {
      if (machine !== undefined && password !== undefined) break;
      machine = next;
      login = '';
      password = undefined;
      i++;
    } else if ((t === 'login' || t === 'password' || t === 'account') && next !== undefined) {
      if (t === 'login') login = next;
      if (t === 'password') password = next;
      i++;
    }
  }
  if (machine === undefined || password === undefined) return undefined;
  return { apiHost: machine, webHost: login || machine, apiKey: password, file };
}

/** The saved login, project-local first; undefined when there is none. */
export function readLogin(): SavedLogin | undefined {
  for (const file of [path.join(process.cwd(), '.swanlab', '.netrc'), netrcPath()]) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const login = parseNetrc(text, file);
    if (login) return login;
  }
  return undefined;
}

/** Render a login as SwanLab writes it. */
export function formatNetrc(apiHost: string, webHost: string, apiKey: string): string {
  return `machine ${apiHost}\n\tlogin ${webHost}\n\tpassword ${apiKey}\n`;
}

/** Save a login (replacing any other host), mode 0600; returns the file. */
export function saveLogin(apiHost: string, webHost: string, apiKey: string): string {
  const file = netrcPath();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  // Created 0600 from the start, so the key is never readable by others, not even briefly.
  fs.writeFileSync(tmp, formatNetrc(apiHost, webHost, apiKey), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}

/** Remove the saved login; returns the file removed, or undefined when there was none. */
export function removeLogin(): string | undefined {
  const file = netrcPath();
  try {
    fs.unlinkSync(file);
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
